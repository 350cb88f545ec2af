/** Every time zone this server's Intl knows (the analytics take the same names), UTC first. */
export const timeZones = (): string[] => ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
