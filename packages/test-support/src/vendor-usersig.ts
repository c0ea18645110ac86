import { createRequire } from 'node:module';

/** The vendor's signer (`tls-sig-api-v2`) for one app, as its CommonJS package exports it. */
export interface VendorApi {
  genUserSig(identifier: string, expire: number): string;
  genPrivateMapKey(identifier: string, expire: number, roomId: number, privileges: number): string;
}

const { Api } = createRequire(import.meta.url)('tls-sig-api-v2') as {
  Api: new (sdkappid: number, key: string) => VendorApi;
};

/**
 * Signs with the vendor's package itself, not with the project's signer, as it would have signed at
 * `nowSeconds` (its clock is `Date.now`, set for the call): the reference that the project's signer and
 * verifier are tested against.
 */
export function withVendorSigner(
  sdkappid: number,
  secretKey: string,
  nowSeconds: number,
  sign: (api: VendorApi) => string,
): string {
  const real = Date.now;
  Date.now = () => nowSeconds * 1000;
  try {
    return sign(new Api(sdkappid, secretKey));
  } finally {
    Date.now = real;
  }
}

/** A UserSig signed by the vendor's package at `nowSeconds`, valid `lifetimeSeconds` (see {@link withVendorSigner}). */
export function vendorUserSig(
  sdkappid: number,
  secretKey: string,
  identifier: string,
  lifetimeSeconds: number,
  nowSeconds: number,
): string {
  return withVendorSigner(sdkappid, secretKey, nowSeconds, (api) =>
    api.genUserSig(identifier, lifetimeSeconds),
  );
}
