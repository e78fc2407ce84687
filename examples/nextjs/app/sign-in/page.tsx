export default function SignIn() {
  return (
    <main>
      <h1>Sign in</h1>
      <p>Sign in with Logto; the front end stores the access token in the <code>logto_authtoken</code> cookie.</p>
    </main>
  );
}
