using System.Threading.Tasks.Dataflow;
using PodCache.Cache;
using PodCache.Cache.Index;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Execution;

/// <summary>
/// Executes a plan bottom-up: a node becomes ready once its inputs are, ready nodes run on up to
/// <c>maxDegreeOfParallelism</c> pumps — invocations of a TPL Dataflow <see cref="ActionBlock{T}"/> with that degree of
/// parallelism — and every computation goes through the cache's single-flight
/// <c>GetOrCompute</c>. Nodes the plan found cached are loaded, and computed after all if they have been evicted since.
/// </summary>
/// <remarks>
/// A node waiting for inputs is counted down by their completion (no task continuation per edge), and the pump whose
/// job made a node ready runs it next itself, so a chain of cheap nodes costs no thread hop per node. Only what is
/// ready beyond that is handed to another pump, and never more pumps than the degree of parallelism. The caller of
/// <see cref="Request"/> never runs a node itself: a node may block (a gate, a slow source), and the caller may be
/// starting other runs.
/// </remarks>
internal sealed class Executor
{
    private readonly IMemoCache _cache;
    private readonly CancellationToken _cancellationToken;
    // Guards each plan node's Completion, Waiter, MoreWaiters and RequestedSlots.
    private readonly Lock _gate = new();

    private readonly Lock _readyGate = new();
    private readonly Queue<PlanNode> _ready = new();
    private readonly int _maxPumps;
    // The pumps run on this block: TPL Dataflow bounds them by the degree of parallelism and schedules them on the
    // pool. A pump is posted only when a slot is free and more than one node is ready, not once per node.
    // Typed over object, not a value type: the shared framework's ReadyToRun image holds the block's code shared by
    // every reference type, where an instantiation over bool is JIT-compiled (about 50 methods) in every process.
    private readonly ActionBlock<object> _pumpBlock;
    private int _pumps;

    private readonly NodeKeys _keys;
    private readonly Plan _plan;
    private readonly IResultCatalog? _catalog;
    private readonly IRemoteEvaluator? _remote;

    private readonly PodCache.Runtime.Sources.IO.SourceServices? _sources;
    private readonly PodCache.Runtime.Sources.IO.SourceActivity? _activity;

    private readonly Action<int, int>? _progress;
    private readonly int _total;
    private int _done;

    // The run's pipeline record (ProvenanceRecord.PipelineRecord): built on the first computed entry, stored before
    // any entry that names it, once per run.
    private readonly Lazy<(PodCache.Cache.Keys.Key Key, PodCache.Cache.Serialization.BinaryValue Value)> _pipelineRecord;
    private Task? _pipelineRecordStored;

    // The run's span, when the run is traced: each node's span is recorded under it as the node finishes.
    private readonly System.Diagnostics.ActivityContext _trace;
    private readonly bool _tracing;

    public Executor(IMemoCache cache, Plan plan, IResultCatalog? catalog, int maxDegreeOfParallelism, CancellationToken cancellationToken,
        Action<int, int>? progress = null, IRemoteEvaluator? remote = null, PodCache.Runtime.Sources.IO.SourceServices? sources = null,
        PodCache.Runtime.Sources.IO.SourceActivity? activity = null, System.Diagnostics.ActivityContext trace = default)
    {
        _trace = trace;
        _tracing = trace != default;
        _sources = sources;
        _activity = activity;
        _remote = remote;
        _progress = progress;
        _total = plan.Nodes.Count(n => n.Needed);
        _plan = plan;
        _keys = plan.Keys;
        _catalog = catalog;
        _cache = cache;
        _cancellationToken = cancellationToken;
        _maxPumps = maxDegreeOfParallelism;
        _pipelineRecord = new(() => ProvenanceRecord.PipelineRecord(plan.Root.Node.Ref, plan.Keys));
        _pumpBlock = new ActionBlock<object>(_ => PumpAsync(), new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = maxDegreeOfParallelism,
            EnsureOrdered = false,
        });
    }

    /// <summary>Ensures <paramref name="pn"/> is being produced; returns its result task.</summary>
    public Task<DataArray> Request(PlanNode pn)
    {
        lock (_gate)
        {
            if (pn.Completion is { } existing)
            {
                return existing.Task;
            }
            pn.Completion = new TaskCompletionSource<DataArray>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        var toStart = new Stack<PlanNode>();
        toStart.Push(pn);
        StartAll(toStart);
        // Enqueue leaves the first ready node to the pump whose job made it ready; here there is no such pump.
        TryStartPump();
        return pn.Completion.Task;
    }

    /// <summary>
    /// Registers <paramref name="waiter"/> to be counted down when <paramref name="input"/> completes; true when it
    /// already has (nothing registered). A newly requested input is pushed onto <paramref name="toStart"/>.
    /// </summary>
    private bool RequestFor(PlanNode input, PlanNode waiter, Stack<PlanNode> toStart)
    {
        lock (_gate)
        {
            if (input.Completion is { } existing)
            {
                if (existing.Task.IsCompleted)
                {
                    return true;
                }
                AddWaiterLocked(input, waiter);
                return false;
            }
            input.Completion = new TaskCompletionSource<DataArray>(TaskCreationOptions.RunContinuationsAsynchronously);
            AddWaiterLocked(input, waiter);
        }
        toStart.Push(input);
        return false;
    }

    private static void AddWaiterLocked(PlanNode input, PlanNode waiter)
    {
        if (input.Waiter is null)
        {
            input.Waiter = waiter;
        }
        else
        {
            (input.MoreWaiters ??= []).Add(waiter);
        }
    }

    /// <summary>Starts every node on the stack (and the inputs they request) without recursing once per node.</summary>
    private void StartAll(Stack<PlanNode> toStart)
    {
        while (toStart.TryPop(out var pn))
        {
            if (pn.ProbeTier is not null)
            {
                Enqueue(pn);
            }
            else
            {
                Produce(pn, toStart);
            }
        }
    }

    /// <summary>Asks the remote evaluator first when there is one (before any input is requested), else computes here.</summary>
    private void Produce(PlanNode pn, Stack<PlanNode> toStart)
    {
        if (_remote is not null && pn.Node.Cache.Enabled)
        {
            pn.AskRemote = true;
            Enqueue(pn);
        }
        else
        {
            ScheduleCompute(pn, toStart);
        }
    }

    private void ScheduleCompute(PlanNode pn, Stack<PlanNode> toStart)
    {
        var slots = pn.Node.Implementation.InitialInputs(pn.Node.Slots);
        PlanNode[] inputs;
        if (ReferenceEquals(slots, pn.Node.Slots))
        {
            // Every slot, in slot order (Node's default): the plan's array, which nothing writes once planned.
            inputs = pn.InputNodes;
        }
        else
        {
            inputs = new PlanNode[slots.Count];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = pn.Input(slots[i]);
            }
        }
        lock (_gate)
        {
            // InitialInputs names distinct slots; its list is kept as it is (see PlanNode.RequestedSlots).
            pn.RequestedSlots = slots;
        }
        WhenInputsReady(pn, inputs, toStart);
    }

    /// <summary>Runs <paramref name="pn"/>'s next job once every node in <paramref name="inputs"/> has completed.</summary>
    private void WhenInputsReady(PlanNode pn, PlanNode[] inputs, Stack<PlanNode> toStart)
    {
        pn.Awaiting = inputs;
        // One extra count held while registering, so the inputs completing meanwhile cannot make it ready early.
        Volatile.Write(ref pn.Pending, inputs.Length + 1);
        foreach (var input in inputs)
        {
            if (RequestFor(input, pn, toStart))
            {
                Interlocked.Decrement(ref pn.Pending);
            }
        }
        if (Interlocked.Decrement(ref pn.Pending) == 0 && !InputsReady(pn))
        {
            Finished(pn);
        }
    }

    private void SetResult(PlanNode pn, DataArray value)
    {
        pn.Completion!.TrySetResult(value);
        Finished(pn);
    }

    private void SetException(PlanNode pn, Exception ex)
    {
        pn.Completion!.TrySetException(ex);
        Finished(pn);
    }

    private void SetCanceled(PlanNode pn, CancellationToken token)
    {
        pn.Completion!.TrySetCanceled(token);
        Finished(pn);
    }

    /// <summary>
    /// Counts down the nodes waiting for <paramref name="done"/> (whose task has completed). A failure travels up
    /// iteratively: a long chain above a failed node must not recurse once per node.
    /// </summary>
    private void Finished(PlanNode done)
    {
        // Failed waiters, allocated only when there is one: a completion without failures costs no stack.
        Stack<PlanNode>? failed = null;
        var pn = done;
        while (true)
        {
            PlanNode? first;
            List<PlanNode>? more;
            lock (_gate)
            {
                first = pn.Waiter;
                more = pn.MoreWaiters;
                pn.Waiter = null;
                pn.MoreWaiters = null;
            }
            if (first is not null)
            {
                CountDown(first, ref failed);
            }
            if (more is not null)
            {
                foreach (var waiter in more)
                {
                    CountDown(waiter, ref failed);
                }
            }
            if (failed is null || !failed.TryPop(out pn!))
            {
                return;
            }
        }
    }

    private void CountDown(PlanNode waiter, ref Stack<PlanNode>? failed)
    {
        if (Interlocked.Decrement(ref waiter.Pending) == 0 && !InputsReady(waiter))
        {
            (failed ??= new Stack<PlanNode>()).Push(waiter);
        }
    }

    /// <summary>
    /// All awaited inputs have completed: queue the node's job and return true, or fail it as <c>Task.WhenAll</c>
    /// would (all the inputs' exceptions, else canceled) and return false; the caller then counts down its waiters.
    /// </summary>
    private bool InputsReady(PlanNode pn)
    {
        List<Exception>? errors = null;
        bool canceled = false;
        foreach (var input in pn.Awaiting)
        {
            var task = input.Completion!.Task;
            if (task.IsFaulted)
            {
                (errors ??= []).AddRange(task.Exception!.InnerExceptions);
            }
            else if (task.IsCanceled)
            {
                canceled = true;
            }
        }
        if (errors is null && !canceled)
        {
            Enqueue(pn);
            return true;
        }
        if (errors is not null)
        {
            pn.Completion!.TrySetException(errors);
        }
        else
        {
            pn.Completion!.TrySetCanceled();
        }
        return false;
    }

    private void Enqueue(PlanNode pn)
    {
        int queued;
        lock (_readyGate)
        {
            _ready.Enqueue(pn);
            queued = _ready.Count;
        }
        // Nodes become ready inside a job (which its pump follows by taking the next ready node itself: no hop) or in
        // Request (which starts pumps afterwards). So one ready node needs no new pump; more than one do.
        if (queued > 1)
        {
            TryStartPump();
        }
    }

    private bool TryDequeue(out PlanNode pn)
    {
        lock (_readyGate)
        {
            return _ready.TryDequeue(out pn!);
        }
    }

    private bool HasReady()
    {
        lock (_readyGate)
        {
            return _ready.Count > 0;
        }
    }

    private void TryStartPump()
    {
        while (true)
        {
            int pumps = Volatile.Read(ref _pumps);
            if (pumps >= _maxPumps || !HasReady())
            {
                return;
            }
            if (Interlocked.CompareExchange(ref _pumps, pumps + 1, pumps) == pumps)
            {
                // The slot is taken: the block (same degree of parallelism) has room for it, now or as the pump
                // that just gave its slot back finishes.
                if (!_pumpBlock.Post(this))
                {
                    Interlocked.Decrement(ref _pumps);
                }
                return;
            }
        }
    }

    /// <summary>
    /// Runs ready nodes one after another while holding one of the <c>maxDegreeOfParallelism</c> slots (a pump is one
    /// invocation of the Dataflow block, which never runs more at once). A job that goes asynchronous keeps the slot,
    /// and the pump carries on when it completes.
    /// </summary>
    private async Task PumpAsync()
    {
        while (true)
        {
            while (TryDequeue(out var pn))
            {
                var job = RunJobAsync(pn);
                if (!job.IsCompleted)
                {
                    // Whatever the job made ready before it went asynchronous is for the other pumps.
                    TryStartPump();
                    await job.ConfigureAwait(false);
                }
            }
            Interlocked.Decrement(ref _pumps);
            // A node queued between the last dequeue and the release found every slot taken: take it (or leave it to
            // the pump that did).
            if (!HasReady() || !TryTakeSlot())
            {
                return;
            }
        }
    }

    private bool TryTakeSlot()
    {
        while (true)
        {
            int pumps = Volatile.Read(ref _pumps);
            if (pumps >= _maxPumps)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _pumps, pumps + 1, pumps) == pumps)
            {
                return true;
            }
        }
    }

    private async Task RunJobAsync(PlanNode pn)
    {
        if (_tracing && pn.TraceStart == default)
        {
            pn.TraceStart = DateTime.UtcNow;
        }
        try
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (pn.ProbeTier is not null)
            {
                var slice = pn.SliceSource;
                var hit = await _cache.GetAsync(slice?.ResultKey ?? pn.ResultKey, _cancellationToken).ConfigureAwait(false);
                if (hit is { Entry.Value: DataArray cached }
                    && (slice is null ? cached : SubsetReuse.TrySlice(cached, pn.Request, slice.Offsets)?.TransposeToRequest(pn.Request)) is { } value)
                {
                    pn.Status = CacheStatus.Hit(hit.Tier);
                    pn.Bytes = value.SizeBytes;
                    Report(pn);
                    SetResult(pn, value);
                    return;
                }
                // Evicted or expired since planning (or the larger grid does not hold the request's points exactly):
                // compute it after all, inputs first.
                pn.ProbeTier = null;
                pn.SliceSource = null;
                var toStart = new Stack<PlanNode>();
                Produce(pn, toStart);
                StartAll(toStart);
                return;
            }
            if (pn.AskRemote)
            {
                pn.AskRemote = false;
                var remote = await AskRemoteAsync(pn).ConfigureAwait(false);
                if (remote is not null)
                {
                    pn.Status = remote.Status;
                    pn.Seconds = remote.Seconds;
                    pn.Bytes = remote.Value.SizeBytes;
                    Report(pn);
                    SetResult(pn, remote.Value);
                    return;
                }
                var toStart = new Stack<PlanNode>();
                ScheduleCompute(pn, toStart);
                StartAll(toStart);
                return;
            }
            var node = pn.Node;
            IReadOnlyDictionary<string, DataArray> inputs;
            lock (_gate)
            {
                inputs = pn.RequestedSlots.Count == node.Slots.Count ? new AllInputs(pn) : RequestedInputs(pn);
            }
            var context = new NodeContext(pn.Request, inputs, node.Slots, node.Ref, _cancellationToken, _sources, _activity,
                node.Sources.Count > 0 ? _keys.SourceVersion(node.Ref) : null);
            string? next;
            try
            {
                next = node.Implementation.NextInput(context);
            }
            catch (NodeEvaluationException ex)
            {
                throw new PipelineException([PipelineError.InPipeline(node.Ref, ex.Message)]);
            }
            if (next is not null)
            {
                lock (_gate)
                {
                    if (!pn.RequestedSlots.Contains(next, StringComparer.Ordinal))
                    {
                        pn.RequestedSlots = [.. pn.RequestedSlots, next];
                    }
                }
                var toStart = new Stack<PlanNode>();
                WhenInputsReady(pn, [pn.Input(next)], toStart);
                StartAll(toStart);
                return;
            }
            var computation = new Computation(this, pn, context);
            var outcome = await _cache.GetOrComputeAsync(pn.ResultKey, computation.EvaluateAsync,
                node.Cache.Enabled ? WithProvenance(pn, computation) : node.Cache, _cancellationToken).ConfigureAwait(false);
            pn.Status = outcome.Status;
            pn.Seconds = outcome.ComputeSeconds;
            if (outcome.Status == CacheStatus.Computed && _catalog is not null && node.Cache.Enabled
                && SubsetReuse.IsEligible(pn.Request) && _plan.IsSliceable(node.Ref))
            {
                _catalog.Add(pn.NodeKey, pn.ResultKey, SubsetReuse.CatalogForm(pn.Request));
            }
            pn.Bytes = outcome.Value.SizeBytes;
            Report(pn);
            SetResult(pn, outcome.Value);
        }
        catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
        {
            SetCanceled(pn, _cancellationToken);
        }
        catch (Exception ex)
        {
            if (_tracing)
            {
                Telemetry.PodCacheTelemetry.Node(_trace, pn, ex);
            }
            SetException(pn, ex);
        }
    }

    private void Report(PlanNode pn)
    {
        if (_tracing)
        {
            Telemetry.PodCacheTelemetry.Node(_trace, pn, null);
        }
        int done = Interlocked.Increment(ref _done);
        // A progress sink must never fail the run.
        try
        {
            _progress?.Invoke(done, Math.Max(done, _total));
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The results of the requested slots (a node that asks for its inputs one by one); under the gate.</summary>
    private static Dictionary<string, DataArray> RequestedInputs(PlanNode pn)
    {
        var inputs = new Dictionary<string, DataArray>(pn.RequestedSlots.Count, StringComparer.Ordinal);
        foreach (var slot in pn.RequestedSlots)
        {
            inputs[slot] = pn.Input(slot).Completion!.Task.Result;
        }
        return inputs;
    }

    /// <summary>
    /// Every slot's result, read from the inputs' completions instead of copied into a table per node: once a node's job
    /// runs, every slot it requested has completed successfully, and a completed task's result never changes.
    /// </summary>
    private sealed class AllInputs(PlanNode pn) : IReadOnlyDictionary<string, DataArray>
    {
        public DataArray this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

        public IEnumerable<string> Keys => pn.Node.Slots;

        public IEnumerable<DataArray> Values => pn.Node.Slots.Select(s => this[s]);

        public int Count => pn.Node.Slots.Count;

        public bool ContainsKey(string key) => pn.TryGetInput(key, out _);

        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out DataArray value)
        {
            if (pn.TryGetInput(key, out var input))
            {
                value = input.Completion!.Task.Result;
                return true;
            }
            value = null;
            return false;
        }

        public IEnumerator<KeyValuePair<string, DataArray>> GetEnumerator() =>
            pn.Node.Slots.Select(s => KeyValuePair.Create(s, this[s])).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static EntryOptions WithProvenance(PlanNode pn, Computation computation)
    {
        var o = pn.Node.Cache;
        return new EntryOptions
        {
            Enabled = o.Enabled,
            Tiers = o.Tiers,
            Expires = o.Expires,
            ProvenanceFactory = computation.Provenance,
        };
    }

    private ValueTask<RemoteEvaluation?> AskRemoteAsync(PlanNode pn) =>
        _remote!.TryEvaluateAsync(pn.ResultKey, () => EvaluationRequest.Create(pn.Node.Ref, pn.Request, _keys), _cancellationToken);

    /// <summary>
    /// One node's computation: the cache's factory and the entry's provenance factory, as methods of one object (no
    /// closures hoisted into every job of <see cref="RunJobAsync"/>).
    /// </summary>
    private sealed class Computation(Executor executor, PlanNode pn, NodeContext context)
    {
        public async ValueTask<DataArray> EvaluateAsync(CancellationToken cancellationToken)
        {
            var node = pn.Node;
            if (node.Cache.Enabled)
            {
                await executor.StorePipelineRecordAsync().ConfigureAwait(false);
            }
            try
            {
                return (await node.Implementation.EvaluateAsync(context).ConfigureAwait(false)).TransposeToRequest(pn.Request);
            }
            catch (NodeEvaluationException ex)
            {
                throw new PipelineException([PipelineError.InPipeline(node.Ref, ex.Message)]);
            }
            catch (PodCache.Runtime.Sources.IO.SourceException ex)
            {
                // Never cached: the failure travels up, and nothing built on the failed read is stored.
                throw SourceFailures.AtNode(node.Ref, ex, node.SourceAttr);
            }
        }

        public string? Provenance() =>
            ProvenanceRecord.Create(pn.Node.Ref, pn.Request, executor._keys, executor._pipelineRecord.Value.Key)
                .ToJsonString(Json.JsonNumbers.WriteOptions);
    }

    /// <summary>
    /// Stores the run's pipeline record, once, in every tier an entry of this run may be written to, so that an
    /// entry's provenance never names a record that was not written first.
    /// </summary>
    private Task StorePipelineRecordAsync()
    {
        // Asked before every computed entry: once stored, no lock.
        if (Volatile.Read(ref _pipelineRecordStored) is { IsCompletedSuccessfully: true } stored)
        {
            return stored;
        }
        lock (_readyGate)
        {
            return _pipelineRecordStored ??= StoreAsync();
        }

        async Task StoreAsync()
        {
            var configured = _cache.Tiers.Select(t => t.Name).ToArray();
            var tiers = new HashSet<string>(StringComparer.Ordinal);
            foreach (var pn in _plan.Nodes)
            {
                if (!pn.Needed || !pn.Node.Cache.Enabled) continue;
                // Indexed: a boxed enumerator per node otherwise.
                var names = pn.Node.Cache.Tiers ?? configured;
                for (int i = 0; i < names.Count; i++) tiers.Add(names[i]);
            }
            var (key, value) = _pipelineRecord.Value;
            await _cache.PutAsync(key, value, new EntryOptions { Tiers = configured.Where(tiers.Contains).ToArray() },
                cancellationToken: _cancellationToken).ConfigureAwait(false);
        }
    }
}
