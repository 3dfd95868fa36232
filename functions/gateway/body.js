// @ts-check
'use strict';

/**
 * Bodies between API Gateway (payload v1: a string, base64 when `isBase64Encoded`) and the bytes a
 * model or tool sends and receives. A textual answer goes back as text; anything else, or text
 * that is not valid UTF-8, as base64 (API Gateway decodes it when the API's binary media types
 * match; the platform sets them).
 */

const TEXTUAL = /^(?:text\/|application\/(?:json|xml|javascript|x-www-form-urlencoded|problem\+json|problem\+xml)\b|[^;]*\+(?:json|xml)\b)/i;

/**
 * @param {unknown} body
 * @param {unknown} isBase64Encoded
 * @returns {Buffer}
 */
function bodyBytes(body, isBase64Encoded) {
  if (typeof body !== 'string') return Buffer.alloc(0);
  return isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/**
 * @param {Buffer} bytes
 * @param {string | undefined} contentType
 * @returns {{ body: string, isBase64Encoded: boolean }}
 */
function encodeBody(bytes, contentType) {
  if (bytes.length === 0) return { body: '', isBase64Encoded: false };
  if (contentType && TEXTUAL.test(contentType)) {
    try {
      return { body: new TextDecoder('utf-8', { fatal: true }).decode(bytes), isBase64Encoded: false };
    } catch {
      // not UTF-8 after all: fall through to base64
    }
  }
  return { body: bytes.toString('base64'), isBase64Encoded: true };
}

module.exports = { bodyBytes, encodeBody };
