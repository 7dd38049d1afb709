import type { FullConfig } from '@playwright/test';

/**
 * Makes sure the server answers and that a default portal exists, so every portal the tests
 * sign up lands on its own host (http://<slug>.localhost:<port>) rather than on the bare one.
 * A throwaway portal is signed up over plain HTTP (the sign-up form works without JavaScript);
 * on a server that already has a default portal it is simply one more portal.
 */
export default async function globalSetup(config: FullConfig): Promise<void> {
  const baseURL = config.projects[0]?.use?.baseURL ?? process.env.AGORA_E2E_URL;
  if (!baseURL) throw new Error('AGORA_E2E_URL is not set');
  const base = new URL(baseURL);
  if (base.hostname !== 'localhost') {
    throw new Error(`AGORA_E2E_URL must use the host "localhost" (portals live at <slug>.localhost), got ${baseURL}`);
  }

  const health = await fetch(new URL('/healthz', base)).catch((e) => {
    throw new Error(`no Agora server answers at ${baseURL}: ${e}`);
  });
  if (!health.ok) throw new Error(`${baseURL}/healthz answered ${health.status}`);

  const slug = `seed-${Date.now().toString(36)}`;
  const form = new URLSearchParams({
    company: 'Seed Company',
    slug,
    name: 'Seed Admin',
    email: `admin@${slug}.example.com`,
    password: 'correct-horse-1',
  });
  const res = await fetch(new URL('/api/sign_up', base), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: form,
    redirect: 'manual',
  });
  const location = res.headers.get('location') ?? '';
  if (res.status !== 302 || !location.includes('/auth/handoff?token=')) {
    throw new Error(`seeding the default portal failed: ${res.status} ${location} ${await res.text()}`);
  }
}
