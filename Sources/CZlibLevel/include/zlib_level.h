#ifndef JIFEN_ZLIB_LEVEL_H
#define JIFEN_ZLIB_LEVEL_H

/// Sets the deflate level that streams started on the calling thread use when their caller
/// asks for zlib's default level (`Z_DEFAULT_COMPRESSION`, 6); -1 goes back to the default.
/// Only takes effect when `jifen_zlib_level_interposed` says the interposition is live.
void jifen_zlib_level_set(int level);

/// How many deflate streams this process started through the interposed `deflateInit2_`
/// (whatever their level); 0 means the executable does not export the symbol, so zlib's own
/// `deflateInit2_` runs and every stream keeps its caller's level.
long jifen_zlib_level_interposed(void);

/// How many of those streams the calling thread started that libdeflate compresses whole (raw
/// deflate streams started while a level was asked for).
long jifen_zlib_whole_streams(void);

/// Deflates generated data of several sizes (empty, small, past the 16 MB held whole) through
/// the interposed calls the way zip writers call them, with input and output buffers from one
/// byte up, inside and outside the fast level, and inflates it back: 0 when every call
/// succeeded and the bytes came back, else a code saying which case failed. For the tests.
int jifen_zlib_self_test(void);

#endif
