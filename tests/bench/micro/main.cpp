// harbour_micro: Google Benchmark's usual main, plus quiet logs and the shared fixtures (temporary
// databases, their writer threads) torn down before exit rather than by static destructors.
#include "micro_fixture.hpp"

#include "core/log.hpp"

#include <benchmark/benchmark.h>

int main(int argc, char** argv) {
  harbour::core::log::set_level(harbour::core::log::Level::Error);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  harbour::micro::release_fixtures();
  benchmark::Shutdown();
  return 0;
}
