// bench/report/machine.h — what the figures were measured on: CPU model
// and count, kernel, compiler and build flags, liburing, load, time.
#pragma once

#include "bench/report/output.h"

namespace bench::report {

[[nodiscard]] Header DescribeMachine(bool quick, int server_cpu, int client_cpu);

}  // namespace bench::report
