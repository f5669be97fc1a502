// Prints the numbers libxlsxwriter writes into a workbook in their shortest exact form.
//
// Why: libxlsxwriter 1.1.4 prints every number cell with `fprintf(file,
// "<c r=\"%s\"><v>%.16G</v></c>", …)` (or the same with a style, `s=\"%d\"`; Debian's build
// calls the fortified `__fprintf_chk`) and every formula's cached value with
// `snprintf(buf, 32, "%.16G", value)`. Sixteen significant digits are one too many for most
// amounts: 94.4 is stored as the text `94.40000000000001`, 67440.35 as `67440.35000000001`.
// Both are the same double as the amount, and Excel reads them back exactly, but a bank or
// tax import tool that reads the XML text sees more than two decimals, and a reviewer who
// reads every number out of the files sees float artifacts in money cells. The library has
// no option to change the format (its `USE_DTOA_LIBRARY` build is not what Debian ships).
//
// How: as CZlibLevel does for zlib, the jifen executables export these `snprintf`,
// `fprintf` and `__fprintf_chk` (linker flags set by this target), so the dynamic linker
// resolves libxlsxwriter's calls here first. A call whose format is exactly one of the three
// the library uses for numbers prints the number as the first of `%.15G`, `%.16G`, `%.17G`
// that reads back (strtod) as the same double: the shortest text that denotes the value, as
// Excel itself writes. Every other call is passed to the C library's v-function unchanged. When the symbol is not exported (another linker), the C library's snprintf runs
// and `jifen_shortest_number_live` says so; the reports then rewrite their numbers after
// writing (Reports' ShortestNumbers), slower but with the same content.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shortest_number.h"


static atomic_long shortest_count;

static int format_number(char *s, size_t n, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    int r = vsnprintf(s, n, format, ap);
    va_end(ap);
    return r;
}

/// The shortest `%G` text that reads back as `value`, into `buffer` (64 bytes).
static void shortest(char *buffer, double value) {
    for (int precision = 15; precision <= 17; precision++) {
        int written = format_number(buffer, 64, "%.*G", precision, value);
        if (written < 0 || written >= 64) {
            format_number(buffer, 64, "%.16G", value);
            break;
        }
        if (precision == 17 || strtod(buffer, NULL) == value) break;
    }
    atomic_fetch_add(&shortest_count, 1);
}

int snprintf(char *restrict s, size_t n, const char *restrict format, ...) {
    va_list ap;
    va_start(ap, format);
    int r;
    if (format[0] == '%' && strcmp(format, "%.16G") == 0) {
        char buffer[64];
        shortest(buffer, va_arg(ap, double));
        r = format_number(s, n, "%s", buffer);
    } else {
        r = vsnprintf(s, n, format, ap);
    }
    va_end(ap);
    return r;
}

static const char cell_format[] = "<c r=\"%s\"><v>%.16G</v></c>";
static const char styled_cell_format[] = "<c r=\"%s\" s=\"%d\"><v>%.16G</v></c>";

/// A number cell in shortest form if `format` is one of libxlsxwriter's; -2 if it is not.
static int number_cell(FILE *file, const char *format, va_list ap) {
    if (format[0] != '<' || format[1] != 'c') return -2;
    char buffer[64];
    if (strcmp(format, cell_format) == 0) {
        const char *range = va_arg(ap, const char *);
        shortest(buffer, va_arg(ap, double));
        return fputs("<c r=\"", file) < 0 || fputs(range, file) < 0 || fputs("\"><v>", file) < 0
            || fputs(buffer, file) < 0 || fputs("</v></c>", file) < 0 ? -1 : 1;
    }
    if (strcmp(format, styled_cell_format) == 0) {
        const char *range = va_arg(ap, const char *);
        int style = va_arg(ap, int);
        shortest(buffer, va_arg(ap, double));
        char styled[24];
        format_number(styled, sizeof styled, "%d", style);
        return fputs("<c r=\"", file) < 0 || fputs(range, file) < 0 || fputs("\" s=\"", file) < 0 || fputs(styled, file) < 0
            || fputs("\"><v>", file) < 0 || fputs(buffer, file) < 0 || fputs("</v></c>", file) < 0 ? -1 : 1;
    }
    return -2;
}

int __vfprintf_chk(FILE *file, int flag, const char *format, va_list ap);

int __fprintf_chk(FILE *file, int flag, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    va_list copy;
    va_copy(copy, ap);
    int r = number_cell(file, format, copy);
    va_end(copy);
    if (r == -2) r = __vfprintf_chk(file, flag, format, ap);
    va_end(ap);
    return r;
}

int fprintf(FILE *restrict file, const char *restrict format, ...) {
    va_list ap;
    va_start(ap, format);
    va_list copy;
    va_copy(copy, ap);
    int r = number_cell(file, format, copy);
    va_end(copy);
    if (r == -2) r = vfprintf(file, format, ap);
    va_end(ap);
    return r;
}

int jifen_shortest_number_live(void) {
    return dlsym(RTLD_DEFAULT, "snprintf") == (void *)snprintf
        && dlsym(RTLD_DEFAULT, "__fprintf_chk") == (void *)__fprintf_chk
        && dlsym(RTLD_DEFAULT, "fprintf") == (void *)fprintf;
}

long jifen_shortest_number_count(void) {
    return atomic_load(&shortest_count);
}
