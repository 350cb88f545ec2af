/**
 * WhatsApp delivery statuses Parley records, in the order a message goes through them
 * (failed last: it ends any earlier one), and the event each is stored as. Every list,
 * rank and mapping of statuses derives from here.
 */
export const DELIVERY_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const DELIVERY_STATUS_EVENT = {
  sent: 'MessageSent',
  delivered: 'MessageDelivered',
  read: 'MessageRead',
  failed: 'MessageFailed',
} as const satisfies Record<DeliveryStatus, string>;
export type DeliveryStatusEvent = (typeof DELIVERY_STATUS_EVENT)[DeliveryStatus];

export const DELIVERY_STATUS_OF = Object.fromEntries(DELIVERY_STATUSES.map((s) => [DELIVERY_STATUS_EVENT[s], s])) as {
  [S in DeliveryStatus as (typeof DELIVERY_STATUS_EVENT)[S]]: S;
};

export const isDeliveryStatus = (value: string): value is DeliveryStatus => (DELIVERY_STATUSES as readonly string[]).includes(value);

/** 1 for sent … 4 for failed; 0 for anything else: the furthest status has the highest rank. */
export const deliveryStatusRank = (value: string): number => (isDeliveryStatus(value) ? DELIVERY_STATUSES.indexOf(value) + 1 : 0);
