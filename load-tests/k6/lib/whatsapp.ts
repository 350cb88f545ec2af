/** One inbound text message, exactly in the envelope the WhatsApp Cloud API posts. */
export function textWebhook(m: {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  wamid: string;
  sender: string;
  senderName: string;
  text: string;
  unixSeconds: string;
}): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: m.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: m.displayPhoneNumber, phone_number_id: m.phoneNumberId },
              contacts: [{ profile: { name: m.senderName }, wa_id: m.sender }],
              messages: [{ from: m.sender, id: m.wamid, timestamp: m.unixSeconds, type: 'text', text: { body: m.text } }],
            },
          },
        ],
      },
    ],
  });
}
