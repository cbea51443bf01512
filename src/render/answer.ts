// The neutral shape of every answer. Presenters build it from query results; renderers turn it into
// Discord message payloads (render/discord.ts) or terminal text (render/text.ts).

export interface AnswerField {
  name: string;
  value: string;
  inline?: boolean;
}

/** One block of an answer; on Discord, one embed. */
export interface Section {
  title?: string;
  url?: string;
  description?: string;
  fields?: AnswerField[];
  footer?: string;
  /** 0xRRGGBB */
  color?: number;
}

export interface Answer {
  /** A short plain line before the sections ("3 of 12 incidents in Syria"). */
  content?: string;
  sections: Section[];
  /** Shown only to the asker on Discord (user errors, previews). */
  ephemeral?: boolean;
}
