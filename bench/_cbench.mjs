import { startServer, DEMO_APP } from '@timock/mock-server';
import { createClient } from '@timock/client';
import { Pool } from 'undici';
const mock = await startServer({ apps: [{ ...DEMO_APP, rateLimitPerSecond: 1e6 }] });
const client = createClient({ sdkappid: DEMO_APP.sdkappid, secretKey: DEMO_APP.secretKey, baseUrl: mock.url, rateLimitPerSecond: false });
const { signUserSig } = await import('@timock/mock-server');
const sig = signUserSig({ sdkappid: DEMO_APP.sdkappid, secretKey: DEMO_APP.secretKey, identifier: 'administrator' });
const pool = new Pool(mock.url);
const path = `/v4/openconfigsvr/getappinfo?sdkappid=${DEMO_APP.sdkappid}&identifier=administrator&usersig=${encodeURIComponent(sig)}&contenttype=json&random=`;
const raw = async () => { const r = await pool.request({ path: path + 1, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }); return r.body.json(); };
const viaClient = () => client.getAppInfo();
const cpu = async (fn, n) => { const t = process.cpuUsage(); for (let i = 0; i < n; i++) await fn(); const d = process.cpuUsage(t); return (d.user + d.system) / n; };
for (let i = 0; i < 2000; i++) { await raw(); await viaClient(); }
const r = [], c = [];
for (let k = 0; k < 6; k++) { r.push(await cpu(raw, 2000)); c.push(await cpu(viaClient, 2000)); }
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
console.log('cpu us/call (both processes in one: client+server) raw', med(r).toFixed(1), 'client', med(c).toFixed(1));
await client.close(); await pool.close(); await mock.close();
