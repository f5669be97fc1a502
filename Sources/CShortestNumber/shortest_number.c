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
//
// Speed: at 50,000 cadres the reports print tens of millions of cells, and printf was the
// largest single cost of writing them. So the cells of the formats libxlsxwriter uses for
// numbers and inline text, formats of literal text and `%s` only (the XML writer's pieces:
// blank cells, rows) and `%d` (cell references) are put together here with `memcpy` and written with one
// `fwrite`, byte for byte what printf would write; an amount in 分 (k/100) is printed
// without printf at all (`money_text`). Everything is on the caller's stack: libxlsxwriter
// writes workbooks, and sheets of one workbook, on several threads at once.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
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

/// The decimal digits of `v` (at most 20) ending at `end`; returns where they start.
static char *digits_before(char *end, unsigned long long v) {
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

/// Amounts in 分 (and points to two places), the numbers the reports write by the million:
/// when `value` is the double nearest to k/100 for an integer |k| < 10^15, its `%.15G` text
/// is exactly the decimal k/100 (the double is within 2^-53 of it relative, far inside half a
/// unit of the 15th digit) and that text reads back as `value`, so it is the shortest text;
/// written here without printf. Returns the length, or 0 when `value` is not such a number
/// (or is -0.0) and the general path must decide.
static int money_text(char *buffer, double value) {
    if (!(value > -1e13 && value < 1e13)) return 0;
    double scaled = value * 100;
    long long k = (long long)(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
    if ((double)k / 100 != value || (k == 0 && signbit(value))) return 0;
    unsigned long long m = k < 0 ? 0ULL - (unsigned long long)k : (unsigned long long)k;
    char tmp[32];
    char *end = tmp + sizeof tmp;
    char *p = end;
    unsigned long long cents = m % 100, whole = m / 100;
    if (cents != 0) {
        if (cents % 10 != 0) {
            *--p = (char)('0' + cents % 10);
            *--p = (char)('0' + cents / 10);
        } else {
            *--p = (char)('0' + cents / 10);
        }
        *--p = '.';
    }
    p = digits_before(p, whole);
    if (k < 0) *--p = '-';
    int n = (int)(end - p);
    memcpy(buffer, p, (size_t)n);
    buffer[n] = 0;
    return n;
}

/// The shortest `%G` text that reads back as `value` by printf alone (`%.15G`, `%.16G`,
/// `%.17G`, the first that reads back), into `buffer` (64 bytes); its length.
static int shortest_by_printf(char *buffer, double value) {
    for (int precision = 15; precision <= 17; precision++) {
        int written = format_number(buffer, 64, "%.*G", precision, value);
        if (written < 0 || written >= 64) {
            format_number(buffer, 64, "%.16G", value);
            break;
        }
        if (precision == 17 || strtod(buffer, NULL) == value) break;
    }
    return (int)strlen(buffer);
}

/// The shortest `%G` text that reads back as `value`, into `buffer` (64 bytes); its length.
static int shortest(char *buffer, double value) {
    atomic_fetch_add_explicit(&shortest_count, 1, memory_order_relaxed);
    int fast = money_text(buffer, value);
    return fast > 0 ? fast : shortest_by_printf(buffer, value);
}

/// `%d` of an int, as the C library prints it, into `s` of size `n`; its full length.
static int int_text(char *s, size_t n, int value) {
    char tmp[16];
    char *end = tmp + sizeof tmp;
    unsigned int m = value < 0 ? 0U - (unsigned int)value : (unsigned int)value;
    char *p = digits_before(end, m);
    if (value < 0) *--p = '-';
    int len = (int)(end - p);
    if (n > 0) {
        size_t copy = (size_t)len < n - 1 ? (size_t)len : n - 1;
        memcpy(s, p, copy);
        s[copy] = 0;
    }
    return len;
}

int snprintf(char *restrict s, size_t n, const char *restrict format, ...) {
    va_list ap;
    va_start(ap, format);
    int r;
    if (format[0] == '%' && strcmp(format, "%.16G") == 0) {
        char buffer[64];
        shortest(buffer, va_arg(ap, double));
        r = format_number(s, n, "%s", buffer);
    } else if (format[0] == '%' && format[1] == 'd' && format[2] == 0) {
        // Cell references and row numbers (libxlsxwriter's `lxw_rowcol_to_cell`, attributes).
        r = int_text(s, n, va_arg(ap, int));
    } else {
        r = vsnprintf(s, n, format, ap);
    }
    va_end(ap);
    return r;
}

static const char cell_format[] = "<c r=\"%s\"><v>%.16G</v></c>";
static const char styled_cell_format[] = "<c r=\"%s\" s=\"%d\"><v>%.16G</v></c>";
static const char text_cell_format[] = "<c r=\"%s\" t=\"inlineStr\"><is><t>%s</t></is></c>";
static const char styled_text_cell_format[] = "<c r=\"%s\" s=\"%d\" t=\"inlineStr\"><is><t>%s</t></is></c>";

/// Pieces appended into one buffer, written with one call.
struct line {
    char bytes[512];
    size_t length;
    int overflow;
};

static void put(struct line *l, const char *s, size_t n) {
    if (l->overflow || l->length + n > sizeof l->bytes) {
        l->overflow = 1;
        return;
    }
    memcpy(l->bytes + l->length, s, n);
    l->length += n;
}

#define PUT_LITERAL(l, s) put((l), (s), sizeof(s) - 1)

static void put_int(struct line *l, int value) {
    char tmp[16];
    int n = int_text(tmp, sizeof tmp, value);
    put(l, tmp, (size_t)n);
}

/// A cell of one of libxlsxwriter's formats for numbers and inline text, written as printf
/// would and with the number in shortest form; -2 if `format` is none of them (or the cell
/// does not fit the buffer: the C library prints it then).
static int cell(FILE *file, const char *format, va_list ap) {
    if (format[0] != '<' || format[1] != 'c') return -2;
    struct line l = {.length = 0, .overflow = 0};
    int styled_number = strcmp(format, styled_cell_format) == 0;
    if (styled_number || strcmp(format, cell_format) == 0) {
        int styled = styled_number;
        const char *range = va_arg(ap, const char *);
        int style = styled ? va_arg(ap, int) : 0;
        char number[64];
        int n = shortest(number, va_arg(ap, double));
        PUT_LITERAL(&l, "<c r=\"");
        put(&l, range, strlen(range));
        if (styled) {
            PUT_LITERAL(&l, "\" s=\"");
            put_int(&l, style);
        }
        PUT_LITERAL(&l, "\"><v>");
        put(&l, number, (size_t)n);
        PUT_LITERAL(&l, "</v></c>");
        if (l.overflow) return -2;
        return fwrite(l.bytes, 1, l.length, file) == l.length ? (int)l.length : -1;
    }
    int styled = strcmp(format, styled_text_cell_format) == 0;
    if (styled || strcmp(format, text_cell_format) == 0) {
        const char *range = va_arg(ap, const char *);
        int style = styled ? va_arg(ap, int) : 0;
        const char *text = va_arg(ap, const char *);
        PUT_LITERAL(&l, "<c r=\"");
        put(&l, range, strlen(range));
        if (styled) {
            PUT_LITERAL(&l, "\" s=\"");
            put_int(&l, style);
        }
        PUT_LITERAL(&l, "\" t=\"inlineStr\"><is><t>");
        put(&l, text, strlen(text));
        PUT_LITERAL(&l, "</t></is></c>");
        if (l.overflow) return -2;
        return fwrite(l.bytes, 1, l.length, file) == l.length ? (int)l.length : -1;
    }
    return -2;
}

/// A format of literal text and `%s` only: libxlsxwriter's XML writer's pieces (`<%s`,
/// ` %s=`, `"%s"`, `/>`, `>`, `</%s>`), three to five of them for every blank cell and row.
/// Written as printf would; -2 for any other format (or a NULL string, or more than the
/// buffer holds: the C library prints it then).
static int xml_piece(FILE *file, const char *format, va_list ap) {
    struct line l = {.length = 0, .overflow = 0};
    for (const char *f = format; *f;) {
        size_t literal = strcspn(f, "%");
        if (literal) {
            put(&l, f, literal);
            f += literal;
            continue;
        }
        if (f[1] != 's') return -2;
        const char *value = va_arg(ap, const char *);
        if (value == NULL) return -2;
        put(&l, value, strlen(value));
        f += 2;
    }
    if (l.overflow) return -2;
    if (l.length == 0) return 0;
    return fwrite(l.bytes, 1, l.length, file) == l.length ? (int)l.length : -1;
}

/// Each attempt reads the arguments from its own copy.
static int fast_print(FILE *file, const char *format, va_list ap) {
    va_list a;
    va_copy(a, ap);
    int r = cell(file, format, a);
    va_end(a);
    if (r != -2) return r;
    va_copy(a, ap);
    r = xml_piece(file, format, a);
    va_end(a);
    return r;
}

int __vfprintf_chk(FILE *file, int flag, const char *format, va_list ap);

int __fprintf_chk(FILE *file, int flag, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    va_list copy;
    va_copy(copy, ap);
    int r = fast_print(file, format, copy);
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
    int r = fast_print(file, format, copy);
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

int jifen_shortest_number_text(double value, char *buffer) {
    return shortest(buffer, value);
}

int jifen_shortest_number_general(double value, char *buffer) {
    return shortest_by_printf(buffer, value);
}

long jifen_shortest_number_count(void) {
    return atomic_load(&shortest_count);
}
