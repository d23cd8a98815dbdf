/*
** lc_frame.h: the LSP base protocol on a byte stream ("Content-Length: N",
** a blank line, N bytes of body). The reader is incremental and bounded: it
** takes whatever chunks a read returns, hands out whole bodies, refuses
** absurd lengths, and after a bad header skips ahead to the next
** "Content-Length:" so one broken message does not end the session.
** It knows nothing about JSON; see lc_rpc.h for what a body means.
*/
#ifndef LC_FRAME_H
#define LC_FRAME_H

#include <stddef.h>

/* Default limit on a body's size; a larger Content-Length is refused. */
#define LC_FRAME_DEFAULT_MAX_BODY ((size_t)64 << 20)

/*
** Limit on one message's header block (all header lines together). LSP
** clients send one or two short lines, so anything longer is garbage.
*/
#define LC_FRAME_MAX_HEADER 8192

/* Suggested size of the 'err' buffer of lc_frame_next. */
#define LC_FRAME_ERR_LEN 256

/* Results of lc_frame_next. */
#define LC_FRAME_NOMEM  (-1)  /* out of memory; nothing consumed, may retry */
#define LC_FRAME_NONE     0   /* no complete message yet: feed more bytes */
#define LC_FRAME_MSG      1   /* '*body_out' holds one message body */
#define LC_FRAME_ERROR    2   /* bad header; 'err' says why; stream resynced */

typedef struct lc_frame_reader lc_frame_reader;

/*
** Creates a reader that refuses bodies longer than 'max_body' bytes
** (0 means LC_FRAME_DEFAULT_MAX_BODY). Returns NULL when out of memory.
** Free it with lc_frame_reader_free.
*/
lc_frame_reader *lc_frame_reader_new(size_t max_body);
void lc_frame_reader_free(lc_frame_reader *r);

/*
** Appends 'n' bytes read from the stream; the reader copies them, so 'buf'
** may be reused at once. Any split is fine: half a header line, several
** messages, the middle of a body. Returns 0, or -1 when out of memory (the
** bytes were not taken). Call lc_frame_next until it returns LC_FRAME_NONE
** after every feed: parsing, and dropping skipped garbage, happen there.
*/
int lc_frame_feed(lc_frame_reader *r, const char *buf, size_t n);

/*
** Takes the next event from the bytes fed so far:
**   LC_FRAME_MSG:   '*body_out' is a new NUL-terminated copy of the body
**                   (the caller frees it) and '*len_out' its length, which
**                   excludes the NUL; the body itself may contain NUL bytes.
**   LC_FRAME_NONE:  the next message is incomplete.
**   LC_FRAME_ERROR: a header was malformed, duplicated, missing or too
**                   large; the message (which cannot be replied to, its id
**                   being unknown) was dropped. 'err' (if not NULL) gets a
**                   one-line reason, truncated to 'errlen'. The reader now
**                   skips to the next "Content-Length:" header, searched
**                   anywhere in the stream because the next header follows
**                   a body with no newline in between; call again.
**   LC_FRAME_NOMEM: no memory for the body copy; the state is unchanged.
** Accepted: header names in any case, "\r\n" or bare "\n" line ends,
** Content-Type and unknown headers (ignored), blank lines between messages.
*/
int lc_frame_next(lc_frame_reader *r, char **body_out, size_t *len_out,
                  char *err, size_t errlen);

/*
** Bytes fed but not yet returned as a message or skipped. Non-zero at end
** of stream means the last message was truncated.
*/
size_t lc_frame_buffered(const lc_frame_reader *r);

/*
** Frames 'len' bytes of 'body' for sending: header plus body, as a new
** NUL-terminated string the caller frees. '*outlen' (if not NULL) gets its
** length. Returns NULL when out of memory.
*/
char *lc_frame_encode(const char *body, size_t len, size_t *outlen);

#endif
