// Discord's message and embed limits, counted in UTF-16 code units (JavaScript string length).
// https://discord.com/developers/docs/resources/message#embed-object-embed-limits

export const DISCORD_LIMITS = {
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  /** Sum of title, description, field names and values, footer and author over a message's embeds. */
  embedsTotal: 6000,
  embedsPerMessage: 10,
  content: 2000,
} as const;

/** Message flag: only the person who asked sees the reply. */
export const EPHEMERAL_FLAG = 64;
