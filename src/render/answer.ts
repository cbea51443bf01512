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
  /** The name of one of the answer's attachments, shown as this section's picture. */
  image?: string;
}

/** A file sent with the answer, such as a chart. */
export interface Attachment {
  /** File name, e.g. "casualties.png". */
  name: string;
  data: Uint8Array;
  /** The text alternative: what the picture shows, for people who cannot see it. Required. */
  description: string;
}

export interface Answer {
  /** A short plain line before the sections ("3 of 12 incidents in Syria"). */
  content?: string;
  sections: Section[];
  /** Shown only to the asker on Discord (user errors, previews). */
  ephemeral?: boolean;
  /** Files sent with the first page on Discord; written to a folder by the offline CLI. */
  attachments?: Attachment[];
}

/**
 * An answer given while the index is still being built for the first time: it says so first, with how
 * far the build is, so a partial answer is never taken for a complete one.
 */
export function withBuildingNote(
  answer: Answer,
  building: { done: number; total: number } | undefined,
): Answer {
  if (building === undefined) return answer;
  const share =
    building.total > 0
      ? ` (${Math.floor((building.done / building.total) * 100)}%, ${building.done.toLocaleString('en-US')} of ${building.total.toLocaleString('en-US')} files)`
      : '';
  const note = `Still indexing the data${share}: this answer covers only what is indexed so far.`;
  return { ...answer, content: answer.content ? `${note}\n${answer.content}` : note };
}
