/**
 * @module server/routes/audio-duration
 * How many seconds of audio a transcription is billed for, read from the answer: `duration`
 * (`verbose_json`), `usage.seconds` (OpenAI's `json` answer), or the last subtitle timestamp
 * (`srt`, `vtt`); a plain-text answer says nothing, and the seconds are estimated from the file's
 * size at 128 kbit/s (flagged as estimated). Whole seconds, rounded up.
 */

/** Bytes a second at 128 kbit/s, a common bitrate for speech uploads. */
const typicalBytesPerSecond = 16_000;
/** Bytes a second at 8 kbit/s, as low as speech codecs go: the most seconds a file can hold. */
const lowestBytesPerSecond = 1_000;

export function worstCaseSeconds(fileBytes: number): number {
  return Math.max(1, Math.ceil(fileBytes / lowestBytesPerSecond));
}

export function audioSeconds(answer: string, fileBytes: number): { value: number; estimated: boolean } {
  const reported = reportedSeconds(answer);
  if (reported !== undefined) return { value: Math.max(0, Math.ceil(reported)), estimated: false };
  return { value: Math.max(1, Math.ceil(fileBytes / typicalBytesPerSecond)), estimated: true };
}

function reportedSeconds(answer: string): number | undefined {
  try {
    const json = JSON.parse(answer) as { duration?: unknown; usage?: { seconds?: unknown } };
    if (typeof json.duration === 'number' && Number.isFinite(json.duration)) return json.duration;
    if (typeof json.usage?.seconds === 'number' && Number.isFinite(json.usage.seconds)) return json.usage.seconds;
    return undefined;
  } catch {
    // Not JSON: subtitles carry timestamps, plain text carries nothing.
  }
  const stamps = [...answer.matchAll(/--> (\d{1,2}):(\d{2}):(\d{2})[,.](\d{3})/g)];
  const last = stamps.at(-1);
  if (!last) return undefined;
  return Number(last[1]) * 3600 + Number(last[2]) * 60 + Number(last[3]) + Number(last[4]) / 1000;
}
