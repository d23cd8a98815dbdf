/*
** lc_uri.h: file:// URIs to absolute POSIX paths and back. LSP names every
** document by URI, while the rest of livecov works on real paths, so this
** is where the two meet. Only local files are supported: other schemes and
** remote hosts are refused.
*/
#ifndef LC_URI_H
#define LC_URI_H

#include <stddef.h>

/* Suggested size of the 'err' buffer of lc_uri_to_path. */
#define LC_URI_ERR_LEN 160

/*
** The file URI of the absolute path 'path', as "file:///...". Bytes other
** than ASCII letters, digits, "-._~" and "/" are percent-encoded with
** upper-case hex (so a space is %20, "ü" is %C3%BC), which is what VS Code
** sends; clients that encode less still decode to the same path.
** Returns a new string the caller frees, or NULL when 'path' is not
** absolute or memory runs out. The path is not normalised.
*/
char *lc_uri_from_path(const char *path);

/*
** The absolute path named by the file URI 'uri': "file:///p", "file:/p" or
** "file://localhost/p" (scheme and host in any case). Percent escapes are
** decoded (either hex case); other bytes, UTF-8 included, are copied. A
** query or fragment, a host other than localhost, "%00", a malformed
** escape or another scheme is refused with a reason in 'err' (if not NULL).
** Returns a new string the caller frees, or NULL.
*/
char *lc_uri_to_path(const char *uri, char *err, size_t errlen);

/* 1 when 'uri' starts with the "file:" scheme (any case), else 0. */
int lc_uri_is_file(const char *uri);

#endif
