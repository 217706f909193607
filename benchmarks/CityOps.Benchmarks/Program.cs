using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(CityOps.Benchmarks.TwinReadingBenchmarks).Assembly).Run(args);
