/** One of the vendor's regional API domains. */
export interface RegionInfo {
  /** Human-readable name. */
  readonly name: string;
  /** The main domain. */
  readonly domain: string;
  /** The backup domain, or `null` where the vendor documents none. */
  readonly backupDomain: string | null;
}

/** The regional domains of the REST API; `china` is the default. */
export const REGIONS = {
  china: { name: 'China', domain: 'console.tim.qq.com', backupDomain: 'adminapi.my-imcloud.com' },
  singapore: {
    name: 'Singapore',
    domain: 'adminapisgp.im.qcloud.com',
    backupDomain: 'adminapisgp.my-imcloud.com',
  },
  seoul: { name: 'Seoul', domain: 'adminapikr.im.qcloud.com', backupDomain: 'adminapikr.my-imcloud.com' },
  tokyo: { name: 'Tokyo', domain: 'adminapijpn.im.qcloud.com', backupDomain: null },
  frankfurt: {
    name: 'Frankfurt',
    domain: 'adminapiger.im.qcloud.com',
    backupDomain: 'adminapiger.my-imcloud.com',
  },
  mumbai: { name: 'Mumbai', domain: 'adminapiind.im.qcloud.com', backupDomain: 'adminapiind.my-imcloud.com' },
  'silicon-valley': {
    name: 'Silicon Valley',
    domain: 'adminapiusa.im.qcloud.com',
    backupDomain: 'adminapiusa.my-imcloud.com',
  },
  jakarta: {
    name: 'Jakarta',
    domain: 'adminapiidn.im.qcloud.com',
    backupDomain: 'adminapiidn.my-imcloud.com',
  },
} as const satisfies Record<string, RegionInfo>;

/** A region id: `china`, `singapore`, `seoul`, `tokyo`, `frankfurt`, `mumbai`, `silicon-valley` or `jakarta`. */
export type RegionId = keyof typeof REGIONS;

/** Every region id, `china` first. */
export const REGION_IDS = Object.keys(REGIONS) as RegionId[];

/** The default region. */
export const DEFAULT_REGION: RegionId = 'china';

/** The path of the API, without a leading slash. */
export const GETAPPINFO_PATH = 'v4/openconfigsvr/getappinfo';

/**
 * The HTTPS origin of a region, e.g. `https://adminapisgp.im.qcloud.com`.
 *
 * @throws Error when `backup` is asked for a region without a documented backup domain.
 */
export function regionOrigin(region: RegionId, backup = false): string {
  const info: RegionInfo = REGIONS[region];
  const host = backup ? info.backupDomain : info.domain;
  if (!host) throw new Error(`region ${region} has no documented backup domain`);
  return `https://${host}`;
}
