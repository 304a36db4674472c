import { z } from 'zod';
import { Id, Timestamp } from '@shared-kernel';

/* Push devices of the signed-in user. */

export const DevicePlatform = z
  .enum(['fcm', 'apns'])
  .meta({ id: 'DevicePlatform', description: 'fcm: an FCM registration token (Android, web); apns: an APNs device token (iOS)' });

/** One request shape per platform, so the document states each platform's token format (a union on `platform`). */
export const RegisterDeviceRequest = z
  .discriminatedUnion('platform', [
    z.strictObject({
      platform: z.literal('fcm'),
      token: z
        .string()
        .max(4096)
        .regex(/^[A-Za-z0-9_:-]{20,4096}$/, 'must be an FCM registration token')
        .meta({ description: 'The FCM registration token of this app install' }),
    }),
    z.strictObject({
      platform: z.literal('apns'),
      token: z
        .string()
        .max(200)
        .regex(/^[0-9a-fA-F]{64,200}$/, 'must be an APNs device token (64 to 200 hex digits)')
        .meta({ description: 'The APNs device token of this app install, in hex' }),
    }),
  ])
  .transform((value) => (value.platform === 'apns' ? { ...value, token: value.token.toLowerCase() } : value))
  .meta({ id: 'RegisterDeviceRequest', description: 'fcm: an FCM registration token (Android, web); apns: an APNs device token (iOS)' });
export type RegisterDeviceRequest = z.output<typeof RegisterDeviceRequest>;

export const Device = z
  .object({
    id: Id,
    platform: DevicePlatform,
    createdAt: Timestamp,
    registeredAt: Timestamp.meta({ description: 'When the token was last registered (an app registers it again at each start)' }),
  })
  .meta({ id: 'Device', description: "One of the user's push devices (the token itself is never shown)" });

export const DeviceList = z.object({ items: z.array(Device) }).meta({ id: 'DeviceList' });

export const DeviceIdParams = z.strictObject({ id: Id });
