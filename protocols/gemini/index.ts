/**
 * @module protocols/gemini
 * Google's Gemini API (`generateContent`, `streamGenerateContent`) as an inbound protocol.
 */
export { geminiErrorBody, geminiErrorEvent } from './errors.js';
