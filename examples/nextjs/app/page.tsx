export default function Home() {
  return (
    <main>
      <h1>logto-authkit + Next.js</h1>
      <p>
        <a href="/dashboard">Dashboard</a> (signed-in only) · <code>GET /api/me</code> · <code>GET /api/posts</code> (scope{' '}
        <code>read:posts</code>)
      </p>
    </main>
  );
}
