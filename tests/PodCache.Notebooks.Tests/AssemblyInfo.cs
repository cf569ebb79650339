// The formatter registry, the environment and the current directory are process-wide; the notebook tests change all
// three, so nothing in this assembly runs in parallel.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
