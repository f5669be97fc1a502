// The header holds inline functions only; SwiftPM needs a source file for a C target.
#include "CSupport.h"
