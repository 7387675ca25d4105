using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using SliceAuth.Bench.Micro;

// Release, BenchmarkDotNet's short job, with allocations. Arguments go to BenchmarkDotNet
// (e.g. --filter '*Access*', --artifacts DIR); without a filter every benchmark runs.
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun)
    .AddDiagnoser(MemoryDiagnoser.Default);
var arguments = args.Contains("--filter") ? args : [.. args, "--filter", "*"];
BenchmarkSwitcher.FromAssembly(typeof(AccessTokens).Assembly).Run(arguments, config);
