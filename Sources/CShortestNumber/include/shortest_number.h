#ifndef JIFEN_SHORTEST_NUMBER_H
#define JIFEN_SHORTEST_NUMBER_H

/// 1 when this process's `snprintf` is the one in shortest_number.c (the executable exports
/// it), so libxlsxwriter prints every number in its shortest exact form; 0 when the C
/// library's runs and numbers are printed with `%.16G` as libxlsxwriter asks.
int jifen_shortest_number_live(void);

/// How many numbers were printed in shortest form so far (for tests).
long jifen_shortest_number_count(void);

/// The text a number cell gets (64-byte `buffer`), and the same by printf alone (`%.15G`,
/// `%.16G`, `%.17G`, the first that reads back), which it must always equal: for tests.
int jifen_shortest_number_text(double value, char *buffer);
int jifen_shortest_number_general(double value, char *buffer);

#endif
