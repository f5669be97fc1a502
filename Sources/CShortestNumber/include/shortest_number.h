#ifndef JIFEN_SHORTEST_NUMBER_H
#define JIFEN_SHORTEST_NUMBER_H

/// 1 when this process's `snprintf` is the one in shortest_number.c (the executable exports
/// it), so libxlsxwriter prints every number in its shortest exact form; 0 when the C
/// library's runs and numbers are printed with `%.16G` as libxlsxwriter asks.
int jifen_shortest_number_live(void);

/// How many numbers were printed in shortest form so far (for tests).
long jifen_shortest_number_count(void);

#endif
