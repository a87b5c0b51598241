/**
 * The web dashboard end to end, in a real headless Chromium (Debian's, driven by playwright-core)
 * against a real API server with a seeded fleet: sign in, see the fleet, open the tampered model,
 * read its history, check attestation tokens (valid and altered), follow a running job, and the
 * same pages at a phone's width. Screenshots go to test-results/dashboard/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestApi, type TestApi } from '../support/api.ts';
import { seedFleet, type SeededFleet } from './seed.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = path.join(ROOT, 'test-results', 'dashboard');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('web dashboard (headless Chromium)', { timeout: 120_000, skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (.ci/run installs it)` }, () => {
  let api: TestApi;
  let fleet: SeededFleet;
  let browser: Browser;
  let desktop: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  const watch = (p: Page) => {
    p.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    p.on('console', (message) => {
      // The deliberately wrong key at sign-in is answered 401, which Chromium logs.
      if (message.type() === 'error' && !/status of 401/.test(message.text())) problems.push(`console: ${message.text()}`);
    });
  };
  const shot = (p: Page, name: string) => p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const signIn = async (p: Page, key: string) => {
    await p.goto(`${api.url}/`);
    await p.getByLabel('API key').fill(key);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Fleet integrity' }).waitFor();
    await p.locator('table.fleet-table tbody tr').first().waitFor();
  };
  const noHorizontalScroll = async (p: Page) => {
    const { scroll, width, widest } = (await p.evaluate(`(() => {
      const width = window.innerWidth;
      const over = [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > width + 1);
      const e = over[over.length - 1];
      return { scroll: document.documentElement.scrollWidth, width, widest: e ? e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 60) : null };
    })()`)) as { scroll: number; width: number; widest: string | null };
    assert.ok(scroll <= width, `${new URL(p.url()).pathname} is ${scroll}px wide in a ${width}px viewport (${widest})`);
  };

  before(async () => {
    // Build what is being tested (as `npm run dashboard:build` does), in its own process.
    const built = promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(ROOT, 'dashboard', 'vite.config.ts')], { cwd: ROOT });
    [api] = await Promise.all([startTestApi(), built, mkdir(SHOTS, { recursive: true })]);
    fleet = await seedFleet(api);
    // launch() starts Chromium with a fresh, throw-away profile (user data dir) of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
    desktop = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    desktop.setDefaultTimeout(10_000);
    page = await desktop.newPage();
    watch(page);
  });

  after(async () => {
    await browser?.close();
    await api?.close();
  });

  test('serves the built app with strict headers and cacheable hashed assets', async () => {
    const index = await fetch(`${api.url}/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.match(index.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const html = await index.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, html);
    const asset = await fetch(`${api.url}${script}`);
    assert.match(asset.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    const bundle = await asset.text();
    assert.doesNotMatch(bundle, /https?:\/\/(fonts\.|cdn|unpkg|jsdelivr)/, 'no CDN or external font in the bundle');
    // A deep link is the app (navigations accept HTML); the API keeps its JSON 404s.
    const deep = await fetch(`${api.url}/versions/${fleet.tampered.versionId}`, { headers: { accept: 'text/html' } });
    assert.equal(deep.status, 200);
    assert.equal((await fetch(`${api.url}/assets/missing-0123456789.js`)).status, 404);
    assert.equal((await fetch(`${api.url}/v1/nothing`, { headers: { accept: 'text/html' } })).status, 404);
    assert.equal((await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ viewer { role } }"}' })).status, 401);
  });

  test('sign in: a wrong key is refused, a viewer key shows the fleet of its tenant only', async () => {
    await page.goto(`${api.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(page, 'signin-desktop');
    await page.getByLabel('API key').fill('fmk_not_a_real_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This API key was not accepted').waitFor();

    await page.getByLabel('API key').fill(fleet.viewerKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Fleet integrity' }).waitFor();
    await page.getByText('Acme Vision').waitFor();
    await page.locator('tr[data-model="speech-kws"]').waitFor();
    // The key is kept for this tab's session only.
    assert.equal(await page.evaluate("sessionStorage.getItem('fragmark.apiKey')"), fleet.viewerKey);
    assert.equal(await page.evaluate('localStorage.length'), 0);

    const rows = page.locator('table.fleet-table tbody tr');
    // The fleet may re-render once more after sign-in: wait for it to settle on four rows.
    await page.waitForFunction("document.querySelectorAll('table.fleet-table tbody tr').length === 4", undefined, { timeout: 10_000 });
    assert.deepEqual((await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-model')))).sort(), [
      'digits-cnn',
      'fraud-scorer',
      'sentiment-bert',
      'speech-kws',
    ]);
    assert.equal(await page.getByText('other-tenant-model').count(), 0);
    // The tampered model stands out: first row, red badge, an alert and a red tile.
    assert.equal(await rows.first().getAttribute('data-model'), 'digits-cnn');
    assert.equal(await rows.first().locator('[data-verdict]').first().getAttribute('data-verdict'), 'TAMPERED');
    assert.match((await page.getByRole('alert').first().textContent()) ?? '', /1 model was found tampered/);
    const digits = page.locator('tr[data-model="digits-cnn"]');
    assert.match((await digits.textContent()) ?? '', /production → 1\.1\.0/);
    assert.match((await digits.textContent()) ?? '', /3 h ago/);
    assert.equal(await page.locator('tr[data-model="speech-kws"] [data-verdict]').first().getAttribute('data-verdict'), 'NONE');
    assert.equal(await page.locator('tr[data-model="sentiment-bert"] [data-verdict]').first().getAttribute('data-verdict'), 'ERROR');
    await shot(page, 'fleet-desktop');
  });

  test('fleet filters by verdict and by tag', async () => {
    const names = () => page.locator('table.fleet-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-model')));
    await page.getByLabel('Latest verdict', { exact: true }).selectOption('TAMPERED');
    assert.deepEqual(await names(), ['digits-cnn']);
    await page.getByLabel('Latest verdict', { exact: true }).selectOption('INTACT');
    assert.deepEqual(await names(), ['fraud-scorer']);
    await page.getByLabel('Latest verdict', { exact: true }).selectOption('ALL');
    await page.getByLabel('Tag', { exact: true }).selectOption('vision');
    assert.deepEqual(await names(), ['digits-cnn']);
    await page.getByLabel('Tag', { exact: true }).selectOption('');
    await page.getByRole('button', { name: /Never verified/ }).click();
    assert.deepEqual(await names(), ['speech-kws']);
    await page.getByRole('button', { name: /Models/ }).click();
    assert.equal((await names()).length, 4);
  });

  test('deployments: a state column worst first, an open-alerts panel; acknowledging needs an operator key', async () => {
    const states = (model: string) => page.locator(`tr[data-model="${model}"] [data-monitor-state]`).evaluateAll((lis) => lis.map((li) => li.getAttribute('data-monitor-state')));
    await page.locator('tr[data-model="digits-cnn"] [data-monitor-state]').first().waitFor();
    assert.deepEqual(await states('digits-cnn'), ['TAMPERED', 'HEALTHY']);
    assert.deepEqual(await states('sentiment-bert'), ['UNREACHABLE']);
    assert.match((await page.locator('tr[data-model="fraud-scorer"] [data-label="Deployments"]').textContent()) ?? '', /not monitored/);
    assert.match((await page.locator('tr[data-model="digits-cnn"] [data-label="Deployments"]').textContent()) ?? '', /1\.1\.0 registered artifact.*1\.1\.0 endpoint production/);
    const panel = page.locator('section.alerts-panel');
    assert.equal(await panel.getAttribute('data-alerts'), '2');
    assert.match((await panel.locator('h2').textContent()) ?? '', /2 open alerts/);
    const tamperedAlert = panel.locator(`[data-alert="${fleet.monitoring.tamperedAlertId}"]`);
    assert.match((await tamperedAlert.textContent()) ?? '', /Tampered\s*digits-cnn 1\.1\.0 \(registered artifact\) was healthy, 3 h ago/);
    // A viewer key cannot acknowledge: no button, and the panel says who can.
    assert.equal(await panel.getByRole('button', { name: 'Acknowledge' }).count(), 0);
    await panel.getByText('An operator key (or stronger) acknowledges alerts.').waitFor();
    await shot(page, 'fleet-alerts-desktop');
    // An operator acknowledges it: the panel refreshes with one alert left.
    const operatorPage = await desktop.newPage();
    watch(operatorPage);
    await signIn(operatorPage, fleet.operatorKey);
    const operatorPanel = operatorPage.locator('section.alerts-panel');
    await operatorPanel.locator(`[data-alert="${fleet.monitoring.tamperedAlertId}"]`).getByRole('button', { name: 'Acknowledge' }).click();
    await operatorPanel.locator(`[data-alert="${fleet.monitoring.tamperedAlertId}"]`).waitFor({ state: 'detached' });
    assert.equal(await operatorPanel.getAttribute('data-alerts'), '1');
    const acknowledged = await api.database.db.integrityAlert.findUniqueOrThrow({ where: { id: fleet.monitoring.tamperedAlertId } });
    assert.equal(acknowledged.acknowledgedBy, 'dashboard operator');
    await operatorPage.close();
  });

  test('the fleet report: per deployment its state, time healthy as a bar, checks and open alerts; JSON evidence', async () => {
    await page.getByRole('link', { name: 'Report' }).click();
    await page.getByRole('heading', { name: 'Fleet report' }).waitFor();
    const rows = page.locator('table.report-table tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 3);
    const copy = page.locator(`tr[data-report-monitor="${fleet.monitoring.copyMonitorId}"]`);
    assert.equal(await copy.locator('[data-state]').getAttribute('data-state'), 'TAMPERED');
    // HEALTHY from 10 days ago until 3 hours ago, of the 10 days its state was known.
    const share = Number(await copy.locator('[data-healthy-share]').getAttribute('data-healthy-share'));
    assert.ok(Math.abs(share - (10 * 24 - 3) / (10 * 24)) < 0.002, String(share));
    assert.match((await copy.textContent()) ?? '', /5 \(4 intact, 1 tampered, 0 error\)/);
    const deployment = page.locator(`tr[data-report-monitor="${fleet.monitoring.deploymentMonitorId}"]`);
    assert.equal(await deployment.locator('[data-healthy-share]').getAttribute('data-healthy-share'), '1.000');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON evidence' }).click()]);
    const evidence = JSON.parse(await readFile((await download.path())!, 'utf8'));
    const copyRow = evidence.rows.find((r: any) => r.monitor.id === fleet.monitoring.copyMonitorId);
    assert.equal(copyRow.evidence[0].attestationId, fleet.tampered.tamperedJti);
    await shot(page, 'report-desktop');
    await page.getByRole('link', { name: 'Fleet', exact: true }).click();
    await page.getByRole('heading', { name: 'Fleet integrity' }).waitFor();
  });

  test('the tampered model and its version: watermark, AccTri history chart, verifications with attestations', async () => {
    await page.getByRole('link', { name: 'digits-cnn', exact: true }).click();
    await page.getByRole('heading', { name: 'digits-cnn' }).waitFor();
    assert.match((await page.locator('#versions-heading').textContent()) ?? '', /Versions \(2\)/);
    await shot(page, 'model-desktop');

    await page.locator('section[aria-labelledby="versions-heading"]').getByRole('link', { name: '1.1.0' }).click();
    await page.getByRole('heading', { name: /digits-cnn\s+1\.1\.0/ }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/versions/${fleet.tampered.versionId}`);
    await page.getByText('The latest verification found this version tampered').waitFor();

    const watermark = page.locator('tr[data-watermark]');
    assert.equal(await watermark.count(), 1);
    const text = (await watermark.textContent()) ?? '';
    for (const expected of ['SENSITIVE', '100', 'strict', 'FP32_EXACT', 'AccTri on clean model 100%', 'weights unchanged', '✓ 62% flip under noise', 'Standard', 'tampered from 1 mismatched of 100']) {
      assert.ok(text.includes(expected), `watermark row lacks ${expected}: ${text}`);
    }
    assert.equal(await watermark.locator('[data-strength]').getAttribute('data-strength'), 'STANDARD');
    assert.equal(await page.locator('[data-weak-warning]').count(), 0, 'a standard watermark carries no weakness warning');
    // Seeded without a domain: a version registered before input domains says so.
    await page.getByText('unbounded float32 (registered before input domains)').waitFor();
    await page.getByText('No endpoint enrolled').waitFor();

    const chart = page.locator('figure.chart svg[role="img"]');
    await chart.waitFor();
    assert.equal(await chart.locator('[data-verdict="INTACT"]').count(), 8);
    assert.equal(await chart.locator('[data-verdict="TAMPERED"]').count(), 1);
    assert.equal(await chart.locator('[data-verdict="ERROR"]').count(), 1);
    assert.match((await chart.getAttribute('aria-label')) ?? '', /AccTri of 10 verifications.*1 tampered, 1 errors; latest AccTri 83%/);
    // The monitors' runs are ringed (all but the operator's ad-hoc ERROR check); their schedules are listed.
    assert.equal(await chart.locator('[data-scheduled]').count(), 9);
    await page.getByText('Scheduled run (monitor)').waitFor();
    const monitoring = page.locator('section[aria-labelledby="monitoring-heading"]');
    const monitors = monitoring.locator('tr[data-monitor]');
    assert.equal(await monitors.count(), 2);
    const monitorText = (await monitoring.textContent()) ?? '';
    for (const expected of ['endpoint production', 'cron 0 6 * * * (UTC) + up to 10 min, 25 random triggers a run', 'registered artifact', 'every 1 d + up to 10 min, every trigger', 'Tampered', 'Healthy']) {
      assert.ok(monitorText.includes(expected), `monitoring section lacks ${expected}: ${monitorText}`);
    }

    const rows = page.locator('table.verification-table tbody tr');
    assert.equal(await rows.count(), fleet.verificationCount);
    const newest = rows.first();
    assert.equal(await newest.locator('[data-verdict]').getAttribute('data-verdict'), 'TAMPERED');
    assert.match((await newest.textContent()) ?? '', /83 \/ 100/);
    assert.equal(await newest.locator('code').getAttribute('title'), fleet.tampered.tamperedJti);
    assert.match((await rows.nth(1).textContent()) ?? '', /The endpoint answered HTTP 503/);
    // What each verdict is about: the ad-hoc URL is flagged, checks of the registered endpoint name it.
    assert.match((await rows.nth(1).textContent()) ?? '', /ad-hoc URL, not a registered endpoint/);
    assert.match((await rows.nth(2).textContent()) ?? '', /endpoint production/);
    await page.locator('[data-endpoint]').getByText('https://models.internal:8443/').waitFor();
    await shot(page, 'version-desktop');
  });

  test('attestation checker: a valid token verifies in the browser against the JWKS and shows its claims', async () => {
    await page.locator('table.verification-table tbody tr').first().getByRole('button', { name: /Check attestation/ }).click();
    const result = page.locator('[data-result]');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-result'), 'valid');
    await result.getByText('not revoked').waitFor();
    const text = (await result.textContent()) ?? '';
    assert.match(text, /Valid signature/);
    assert.match(text, new RegExp(`Signed by ${api.url.replace(/[.]/g, '\\.')}`));
    assert.equal(await result.locator('.attested-verdict [data-verdict]').getAttribute('data-verdict'), 'TAMPERED');
    assert.match(text, /digits-cnn version 1\.1\.0/);
    assert.match(text, /83 \/ 100 \(AccTri 83%\)/);
    assert.ok(text.includes(fleet.tampered.tamperedJti));
    await shot(page, 'attestation-valid-desktop');
  });

  test('attestation checker: an altered token is refused clearly, also when signed out', async () => {
    // Flip the attested verdict to "intact" and keep the original signature.
    const [header, payload, signature] = fleet.tampered.tamperedToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    claims.fragmark.verification.verdict = 'intact';
    const forged = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Attestation token').fill(forged);
    await page.getByRole('button', { name: 'Check token' }).click();
    const result = page.locator('[data-result]');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-result'), 'invalid');
    assert.match((await result.textContent()) ?? '', /The signature does not match: the token was altered/);
    assert.equal(await result.getByText('digits-cnn').count(), 0, 'claims of an invalid token are not shown');
    await shot(page, 'attestation-invalid-desktop');

    await page.getByLabel('Attestation token').fill('not.a.token');
    await page.getByRole('button', { name: 'Check token' }).click();
    await page.getByText('This is not a well-formed token').waitFor();

    // Public page: a third party with no key checks a token too.
    const anonymous = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const p = await anonymous.newPage();
    watch(p);
    await p.goto(`${api.url}/attestations`);
    await p.getByLabel('Attestation token').fill(fleet.tampered.intactToken);
    await p.getByRole('button', { name: 'Check token' }).click();
    await p.locator('[data-result="valid"]').getByText('not revoked').waitFor();
    assert.equal(await p.locator('.attested-verdict [data-verdict]').getAttribute('data-verdict'), 'INTACT');
    await anonymous.close();
  });

  test('a weak watermark is flagged, not green ticks alone: on its version page and in its attestations', async () => {
    await page.goto(`${api.url}/versions/${fleet.weak.versionId}`);
    const warning = page.locator('[data-weak-warning]');
    await warning.waitFor();
    assert.equal(await warning.getAttribute('role'), 'alert');
    const said = (await warning.textContent()) ?? '';
    for (const expected of ['is weak', 'its self-check flipped no trigger under weight noise', 'INTACT verdicts are weak evidence', 'strength “weak”', 'at least 32 triggers']) {
      assert.ok(said.includes(expected), `the warning lacks "${expected}": ${said}`);
    }
    const row = page.locator(`tr[data-watermark="${fleet.weak.watermarkId}"]`);
    assert.equal(await row.locator('[data-strength]').getAttribute('data-strength'), 'WEAK');
    const text = (await row.textContent()) ?? '';
    assert.ok(text.includes('⚠ Weak'), text);
    assert.ok(text.includes('✗ 0% flip under noise'), `no trigger flipped is marked as a failure, not a tick: ${text}`);
    await shot(page, 'version-weak-desktop');

    // Its newest verification is an ERROR (no token); the one before it is an attested INTACT.
    await page.locator('table.verification-table').getByRole('button', { name: /Check attestation/ }).first().click();
    const result = page.locator('[data-result="valid"]');
    await result.waitFor();
    await result.locator('[data-weak-warning]').waitFor();
    assert.equal(await result.locator('[data-strength]').getAttribute('data-strength'), 'WEAK');
    assert.match((await result.textContent()) ?? '', /The watermark behind this verdict is weak/);
    await shot(page, 'attestation-weak-desktop');

    // A standard watermark's token says so, with no warning.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Attestation token').fill(fleet.tampered.intactToken);
    await page.getByRole('button', { name: 'Check token' }).click();
    await page.locator('[data-result="valid"] [data-strength="STANDARD"]').waitFor();
    assert.equal(await page.locator('[data-result] [data-weak-warning]').count(), 0);
  });

  test('jobs: running and recent jobs, with live progress', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
    const running = page.locator(`li[data-job="${fleet.runningJobId}"]`);
    await running.waitFor();
    assert.match((await running.textContent()) ?? '', /Watermark\s*speech-kws 2\.0\.0/);
    assert.equal(await running.getByRole('progressbar').getAttribute('aria-valuenow'), '40');
    assert.match((await running.textContent()) ?? '', /Generating triggers: step 120 of 300/);
    await page.getByText('Endpoint http://models.internal:8080 refused the connection.').waitFor();
    await shot(page, 'jobs-desktop');

    await api.database.db.job.update({ where: { id: fleet.runningJobId }, data: { progress: 0.75, message: 'Generating triggers: step 225 of 300' } });
    await running.locator('[role="progressbar"][aria-valuenow="75"]').waitFor({ timeout: 6000 });
    await running.getByText('step 225 of 300').waitFor();
  });

  test('at a phone width (390 px) every page fits and stays usable', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    phone.setDefaultTimeout(10_000);
    const p = await phone.newPage();
    watch(p);
    await signIn(p, fleet.viewerKey);
    await noHorizontalScroll(p);
    assert.ok(await p.getByRole('link', { name: 'digits-cnn' }).isVisible());
    await shot(p, 'fleet-phone');

    await p.goto(`${api.url}/versions/${fleet.tampered.versionId}`);
    await p.locator('figure.chart svg[role="img"]').waitFor();
    await noHorizontalScroll(p);
    await shot(p, 'version-phone');

    await p.locator('table.verification-table tbody tr').first().getByRole('button', { name: /Check attestation/ }).click();
    await p.locator('[data-result="valid"]').waitFor();
    await noHorizontalScroll(p);
    await shot(p, 'attestation-phone');

    await p.goto(`${api.url}/jobs`);
    await p.locator(`li[data-job="${fleet.runningJobId}"]`).waitFor();
    await noHorizontalScroll(p);
    await shot(p, 'jobs-phone');
    await phone.close();
  });

  test('sign out forgets the key; a revoked key ends the session', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await page.evaluate("sessionStorage.getItem('fragmark.apiKey')"), null);

    await signIn(page, fleet.viewerKey);
    await api.database.db.apiKey.updateMany({ where: { tenantId: fleet.tenantId, name: 'dashboard e2e' }, data: { revokedAt: new Date() } });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByText('Your session ended').waitFor();
    assert.equal(await page.evaluate("sessionStorage.getItem('fragmark.apiKey')"), null);
  });

  test('no script errors or blocked resources in any page', () => {
    assert.deepEqual(problems, []);
  });
});
