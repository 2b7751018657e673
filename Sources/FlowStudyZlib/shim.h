// The system zlib, exposed to Swift as the module FlowStudyZlib.
#include <zlib.h>
