#ifndef JIFEN_CLIBFUZZER_H
#define JIFEN_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, called from the fuzz targets' own `main` (SwiftPM gives every
/// executable a `main` of its own, so libFuzzer's cannot be used). Defined by libFuzzer's
/// runtime, which `-sanitize=fuzzer` links in; only referenced in builds with
/// `-DJIFEN_FUZZ` (see `make fuzz`).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
