import { z } from 'zod';
import { Id, Timestamp } from '@shared-kernel';

/* Push devices of the signed-in user. */

export const DevicePlatform = z
  .enum(['fcm', 'apns'])
  .meta({ id: 'DevicePlatform', description: 'fcm: an FCM registration token (Android, web); apns: an APNs device token (iOS)' });

export const RegisterDeviceRequest = z
  .strictObject({
    platform: DevicePlatform,
    token: z
      .string()
      .max(4096)
      .regex(/^[A-Za-z0-9_:-]{20,4096}$/, 'must be a device token (an FCM registration token, or an APNs token in hex)')
      .meta({ description: 'The token the platform gave this app install (APNs: hex, 64 or more digits)' }),
  })
  .superRefine((value, ctx) => {
    if (value.platform === 'apns' && !/^[0-9a-fA-F]{64,200}$/.test(value.token)) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'must be an APNs device token (64 to 200 hex digits)' });
    }
  })
  .transform((value) => (value.platform === 'apns' ? { ...value, token: value.token.toLowerCase() } : value))
  .meta({ id: 'RegisterDeviceRequest' });
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
