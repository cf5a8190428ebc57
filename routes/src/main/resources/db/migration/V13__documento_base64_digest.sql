-- Issue 14: the ModI Digest (RFC 3230, SHA-256) of a content's standard base64 — one line, padded — kept when the
-- front-office sent exactly that, its digest taken anyway as the body was received. A GET of the whole document is
-- then signed over it up front, without a pass over the content of its own before the pass that sends it.
alter table documento add column base64_digest text;
