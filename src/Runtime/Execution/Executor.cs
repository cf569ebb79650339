using System.Threading.Tasks.Dataflow;
using PodCache.Cache;
using PodCache.Cache.Index;
using PodCache.Runtime.Nodes;
using PodCache.Runtime.Pipelines;

namespace PodCache.Runtime.Execution;

/// <summary>
/// Executes a plan bottom-up on a TPL Dataflow block: a node is posted once its inputs are ready, independent
/// branches run in parallel up to the degree of parallelism, and every computation goes through the cache's
/// single-flight <c>GetOrCompute</c>. Nodes the plan found cached are loaded, and computed after all if they have
/// been evicted since.
/// </summary>
internal sealed class Executor
{
    private readonly IMemoCache _cache;
    private readonly ActionBlock<PlanNode> _block;
    private readonly CancellationToken _cancellationToken;
    private readonly Lock _gate = new();

    private readonly NodeKeys _keys;
    private readonly Plan _plan;
    private readonly IResultCatalog? _catalog;
    private readonly IRemoteEvaluator? _remote;

    private readonly Action<int, int>? _progress;
    private readonly int _total;
    private int _done;

    public Executor(IMemoCache cache, Plan plan, IResultCatalog? catalog, int maxDegreeOfParallelism, CancellationToken cancellationToken,
        Action<int, int>? progress = null, IRemoteEvaluator? remote = null)
    {
        _remote = remote;
        _progress = progress;
        _total = plan.Nodes.Count(n => n.Needed);
        _plan = plan;
        _keys = plan.Keys;
        _catalog = catalog;
        _cache = cache;
        _cancellationToken = cancellationToken;
        _block = new ActionBlock<PlanNode>(RunJobAsync, new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = maxDegreeOfParallelism,
            CancellationToken = cancellationToken,
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
        if (pn.ProbeTier is not null)
        {
            Post(pn);
        }
        else
        {
            Produce(pn);
        }
        return pn.Completion.Task;
    }

    /// <summary>Asks the remote evaluator first when there is one (before any input is requested), else computes here.</summary>
    private void Produce(PlanNode pn)
    {
        if (_remote is not null && pn.Node.Cache.Enabled)
        {
            pn.AskRemote = true;
            Post(pn);
        }
        else
        {
            ScheduleCompute(pn);
        }
    }

    public void Complete() => _block.Complete();

    private void Post(PlanNode pn)
    {
        if (!_block.Post(pn))
        {
            pn.Completion!.TrySetCanceled(_cancellationToken.IsCancellationRequested ? _cancellationToken : new CancellationToken(true));
        }
    }

    private void ScheduleCompute(PlanNode pn)
    {
        var slots = pn.Node.Implementation.InitialInputs(pn.Node.Slots);
        lock (_gate)
        {
            pn.RequestedSlots.Clear();
            pn.RequestedSlots.UnionWith(slots);
        }
        WhenInputsReady(pn, slots.Select(s => Request(pn.Inputs[s])).ToArray());
    }

    private void WhenInputsReady(PlanNode pn, Task<DataArray>[] inputs)
    {
        if (inputs.Length == 0)
        {
            Post(pn);
            return;
        }
        Task.WhenAll(inputs).ContinueWith(t =>
        {
            if (t.IsCanceled)
            {
                pn.Completion!.TrySetCanceled();
            }
            else if (t.IsFaulted)
            {
                pn.Completion!.TrySetException(t.Exception!.InnerExceptions);
            }
            else
            {
                Post(pn);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RunJobAsync(PlanNode pn)
    {
        var completion = pn.Completion!;
        try
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (pn.ProbeTier is not null)
            {
                var slice = pn.SliceSource;
                var hit = await _cache.GetAsync(slice?.ResultKey ?? pn.ResultKey, _cancellationToken).ConfigureAwait(false);
                if (hit is { Entry.Value: DataArray cached })
                {
                    var value = slice is null ? cached : SubsetReuse.Slice(cached, pn.Request, slice.Offsets).TransposeToRequest(pn.Request);
                    pn.Status = CacheStatus.Hit(hit.Tier);
                    pn.Bytes = value.SizeBytes;
                    Report();
                    completion.TrySetResult(value);
                    return;
                }
                // Evicted or expired since planning: compute it after all, inputs first.
                pn.ProbeTier = null;
                pn.SliceSource = null;
                Produce(pn);
                return;
            }
            if (pn.AskRemote)
            {
                pn.AskRemote = false;
                var remote = await _remote!.TryEvaluateAsync(pn.ResultKey, () => EvaluationRequest.Create(pn.Node.Ref, pn.Request, _keys),
                    _cancellationToken).ConfigureAwait(false);
                if (remote is not null)
                {
                    pn.Status = remote.Status;
                    pn.Seconds = remote.Seconds;
                    pn.Bytes = remote.Value.SizeBytes;
                    Report();
                    completion.TrySetResult(remote.Value);
                    return;
                }
                ScheduleCompute(pn);
                return;
            }
            var node = pn.Node;
            var inputs = new Dictionary<string, DataArray>(StringComparer.Ordinal);
            lock (_gate)
            {
                foreach (var slot in pn.RequestedSlots)
                {
                    inputs[slot] = pn.Inputs[slot].Completion!.Task.Result;
                }
            }
            var context = new NodeContext(pn.Request, inputs, node.Slots, node.Ref, _cancellationToken);
            string? next;
            try
            {
                next = node.Implementation.NextInput(context);
            }
            catch (NodeEvaluationException ex)
            {
                throw new PipelineException($"nodes.{node.Ref}", ex.Message);
            }
            if (next is not null)
            {
                lock (_gate)
                {
                    pn.RequestedSlots.Add(next);
                }
                WhenInputsReady(pn, [Request(pn.Inputs[next])]);
                return;
            }
            var outcome = await _cache.GetOrComputeAsync(pn.ResultKey, _ =>
            {
                try
                {
                    return ValueTask.FromResult(node.Implementation.Evaluate(context).TransposeToRequest(pn.Request));
                }
                catch (NodeEvaluationException ex)
                {
                    throw new PipelineException($"nodes.{node.Ref}", ex.Message);
                }
            }, node.Cache.Enabled ? WithProvenance(pn) : node.Cache, _cancellationToken).ConfigureAwait(false);
            pn.Status = outcome.Status;
            pn.Seconds = outcome.ComputeSeconds;
            if (outcome.Status == CacheStatus.Computed && _catalog is not null && node.Cache.Enabled
                && _plan.IsSliceable(node.Ref) && SubsetReuse.IsEligible(pn.Request))
            {
                _catalog.Add(pn.NodeKey, pn.ResultKey, pn.Request.ToJson().ToJsonString());
            }
            pn.Bytes = outcome.Value.SizeBytes;
            Report();
            completion.TrySetResult(outcome.Value);
        }
        catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
        {
            completion.TrySetCanceled(_cancellationToken);
        }
        catch (Exception ex)
        {
            completion.TrySetException(ex);
        }
    }

    private void Report()
    {
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

    private EntryOptions WithProvenance(PlanNode pn)
    {
        var o = pn.Node.Cache;
        return new EntryOptions
        {
            Enabled = o.Enabled,
            Tiers = o.Tiers,
            Expires = o.Expires,
            DependsOn = pn.Inputs.Values.Select(i => i.ResultKey).Distinct().ToArray(),
            ProvenanceFactory = () => ProvenanceRecord.Create(pn.Node.Ref, pn.Request, _keys).ToJsonString(Json.JsonNumbers.WriteOptions),
        };
    }
}
