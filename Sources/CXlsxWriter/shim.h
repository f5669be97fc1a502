#ifndef JIFEN_CXLSXWRITER_SHIM_H
#define JIFEN_CXLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
