import { headers } from 'next/headers';
import { kit } from '../../lib/auth';

// proxy.ts already sent signed-out visitors to /sign-in; this reads who is here.
export default async function Dashboard() {
  const auth = await kit.createAuthContext({ headers: await headers() });
  return (
    <main>
      <h1>Dashboard</h1>
      <p data-user-id={auth.userId ?? ''}>Signed in as {auth.userId ?? 'nobody'}</p>
    </main>
  );
}
