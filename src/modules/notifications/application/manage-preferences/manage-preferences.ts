import { Injectable } from '@nestjs/common';
import { UnprocessableError } from '@shared-kernel';
import { CATEGORIES, canOptOut, type Channel } from '@modules/notifications/domain/categories';
import { unmutableCategories, type Preferences } from '@modules/notifications/domain/preferences';
import { PreferenceRepository } from '@modules/notifications/infrastructure/preference.repository';
import type { PreferencesBody, PreferencesView } from '@modules/notifications/api/dto/notifications.requests';

/** A user's own notification preferences: read with every category listed, replaced as a whole. */
@Injectable()
export class ManagePreferences {
  constructor(private readonly preferences: PreferenceRepository) {}

  async get(userId: string): Promise<PreferencesView> {
    return viewOf(await this.preferences.of(userId));
  }

  async replace(userId: string, body: PreferencesBody): Promise<PreferencesView> {
    const refused = unmutableCategories(body.mutedChannels);
    if (refused.length > 0)
      throw new UnprocessableError('NOTIFICATION_CATEGORY_CANNOT_BE_MUTED', `${refused.join(' and ')} messages cannot be turned off`, { categories: refused });
    const mutedChannels = Object.fromEntries(
      Object.entries(body.mutedChannels)
        .filter(([, list]) => list && list.length > 0)
        .map(([category, list]) => [category, [...new Set(list)].sort()]),
    );
    const next: Preferences = { timeZone: body.timeZone, quietHours: body.quietHours, mutedChannels };
    await this.preferences.save(userId, next);
    return viewOf(next);
  }
}

function viewOf(p: Preferences): PreferencesView {
  const muted = (category: (typeof CATEGORIES)[number]): Channel[] => [...(p.mutedChannels[category] ?? [])];
  return {
    timeZone: p.timeZone,
    quietHours: p.quietHours,
    mutedChannels: { security: muted('security'), legal: muted('legal'), transactional: muted('transactional'), marketing: muted('marketing') },
    categories: CATEGORIES.map((category) => ({ category, canOptOut: canOptOut(category) })),
  };
}
