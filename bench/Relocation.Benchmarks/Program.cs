using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Relocation.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Relocation.Benchmarks.RankingBenchmarks).Assembly).Run(args);
