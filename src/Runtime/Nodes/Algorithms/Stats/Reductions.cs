using System.Numerics;
using System.Numerics.Tensors;

namespace PodCache.Runtime.Nodes.Algorithms.Stats;

/// <summary>
/// NaN-skipping reductions of a <see cref="DataArray"/> over some of its dims, with numpy/xarray's rules
/// (SEMANTICS §7). The reduced dims are moved innermost so every output cell reduces one contiguous lane.
/// </summary>
internal static class Reductions
{
    /// <summary>
    /// Reduces <paramref name="source"/> over <paramref name="dims"/> (each a dim of the source). The output keeps the
    /// other dims in the source's order; reducing every dim gives a 0-d array. An empty <paramref name="dims"/>
    /// reduces nothing, as xarray does for <c>dim=[]</c>. <paramref name="percentile"/> (0–100) is read only by
    /// <see cref="ReductionKind.Percentile"/>.
    /// </summary>
    public static DataArray Reduce(DataArray source, IReadOnlyCollection<string> dims, ReductionKind kind, double percentile = 50)
    {
        if (dims.Count == 0)
        {
            return Elementwise(source, kind);
        }
        var kept = new List<string>(source.Rank);
        var reduced = new List<string>(dims.Count);
        foreach (var d in source.Dims)
        {
            (dims.Contains(d) ? reduced : kept).Add(d);
        }
        // Transpose copies only when a reduced dim sits outside a kept one; otherwise the lanes are already contiguous.
        var arranged = source.Transpose([.. kept, .. reduced]);
        var outCoords = new Coordinates(kept.Select(d => source.Coordinates[d]), source.Coordinates.Crs);
        int lanes = checked((int)outCoords.Size);
        long laneLength = 1;
        foreach (var d in reduced)
        {
            laneLength *= source.Coordinates[d].Size;
        }
        int r = checked((int)laneLength);
        var result = GC.AllocateUninitializedArray<double>(lanes);
        var scratch = kind is ReductionKind.Variance or ReductionKind.StandardDeviation or ReductionKind.Median
            or ReductionKind.Percentile or ReductionKind.Skew or ReductionKind.Kurtosis
            ? new double[r]
            : [];
        var data = arranged.Data;
        for (int i = 0; i < lanes; i++)
        {
            result[i] = kind == ReductionKind.Percentile
                ? Percentile(data.AsSpan(i * r, r), percentile, scratch)
                : ReduceLane(data.AsSpan(i * r, r), kind, scratch);
        }
        return new DataArray(outCoords, result);
    }

    /// <summary>One lane's statistic. <paramref name="scratch"/> holds at least the lane's length when the kind needs it.</summary>
    public static double ReduceLane(ReadOnlySpan<double> lane, ReductionKind kind, Span<double> scratch) => kind switch
    {
        ReductionKind.Min => Min(lane),
        ReductionKind.Max => Max(lane),
        ReductionKind.Sum => Sum(lane),
        ReductionKind.Count => CountFinite(lane),
        ReductionKind.Mean => Mean(lane),
        ReductionKind.Variance => Variance(lane, scratch),
        ReductionKind.StandardDeviation => Math.Sqrt(Variance(lane, scratch)),
        ReductionKind.Median => Median(lane, scratch),
        ReductionKind.Percentile => Percentile(lane, 50, scratch),
        ReductionKind.Skew => StandardMoment(lane, scratch, 3),
        ReductionKind.Kurtosis => StandardMoment(lane, scratch, 4) - 3,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// The "reduce over no dims" results of xarray (<c>axis=()</c>): min, max, sum, mean and median return the input
    /// unchanged (a NaN stays NaN, even for sum); count gives 1 for a finite cell and 0 otherwise; variance and
    /// standard deviation give 0 for a finite cell and NaN otherwise (inf − inf). numpy's nanpercentile over
    /// <c>axis=[]</c> returns the input too; scipy's skew and kurtosis see one value per lane, hence NaN everywhere.
    /// </summary>
    private static DataArray Elementwise(DataArray source, ReductionKind kind)
    {
        if (kind is ReductionKind.Min or ReductionKind.Max or ReductionKind.Sum or ReductionKind.Mean or ReductionKind.Median
            or ReductionKind.Percentile)
        {
            return source;
        }
        if (kind is ReductionKind.Skew or ReductionKind.Kurtosis)
        {
            var nan = new double[source.Values.Length];
            nan.AsSpan().Fill(double.NaN);
            return new DataArray(source.Coordinates, nan);
        }
        var src = source.Values;
        var dst = GC.AllocateUninitializedArray<double>(src.Length);
        double whenFinite = kind == ReductionKind.Count ? 1 : 0;
        double otherwise = kind == ReductionKind.Count ? 0 : double.NaN;
        for (int i = 0; i < src.Length; i++)
        {
            dst[i] = double.IsFinite(src[i]) ? whenFinite : otherwise;
        }
        return new DataArray(source.Coordinates, dst);
    }

    private static double Min(ReadOnlySpan<double> lane)
    {
        if (lane.IsEmpty)
        {
            return double.NaN;
        }
        // TensorPrimitives.Min propagates NaN; only then is the slower NaN-skipping scan needed.
        double m = TensorPrimitives.Min(lane);
        if (!double.IsNaN(m))
        {
            return m;
        }
        double best = double.NaN;
        foreach (var v in lane)
        {
            if (v < best || (double.IsNaN(best) && !double.IsNaN(v)))
            {
                best = v;
            }
        }
        return best;
    }

    private static double Max(ReadOnlySpan<double> lane)
    {
        if (lane.IsEmpty)
        {
            return double.NaN;
        }
        double m = TensorPrimitives.Max(lane);
        if (!double.IsNaN(m))
        {
            return m;
        }
        double best = double.NaN;
        foreach (var v in lane)
        {
            if (v > best || (double.IsNaN(best) && !double.IsNaN(v)))
            {
                best = v;
            }
        }
        return best;
    }

    private static double Sum(ReadOnlySpan<double> lane) => SumAndCount(lane).Sum;

    /// <summary>The sum of the non-NaN values and how many there are (±inf included, as numpy's nansum/nanmean).</summary>
    private static (double Sum, int Count) SumAndCount(ReadOnlySpan<double> lane)
    {
        if (lane.IsEmpty)
        {
            return (0, 0);
        }
        // A NaN total means a NaN cell (or inf + -inf, which the scan below reproduces).
        double s = TensorPrimitives.Sum(lane);
        if (!double.IsNaN(s))
        {
            return (s, lane.Length);
        }
        double t = 0;
        int n = 0;
        foreach (var v in lane)
        {
            if (!double.IsNaN(v))
            {
                t += v;
                n++;
            }
        }
        return (t, n);
    }

    private static double Mean(ReadOnlySpan<double> lane)
    {
        var (s, n) = SumAndCount(lane);
        return n == 0 ? double.NaN : s / n;
    }

    /// <summary>The number of finite cells, counted a vector at a time (x − x is 0 exactly for finite x).</summary>
    private static double CountFinite(ReadOnlySpan<double> lane)
    {
        int i = 0;
        long count = 0;
        if (Vector.IsHardwareAccelerated && lane.Length >= Vector<double>.Count)
        {
            var acc = Vector<long>.Zero;
            for (; i <= lane.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var v = new Vector<double>(lane[i..]);
                // Equals yields -1 per matching element.
                acc -= Vector.Equals(v - v, Vector<double>.Zero);
            }
            count = Vector.Sum(acc);
        }
        for (; i < lane.Length; i++)
        {
            if (double.IsFinite(lane[i]))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Copies the non-NaN values of <paramref name="lane"/> to the front of <paramref name="scratch"/>.</summary>
    private static Span<double> CompactNonNaN(ReadOnlySpan<double> lane, Span<double> scratch)
    {
        int n = 0;
        foreach (var v in lane)
        {
            if (!double.IsNaN(v))
            {
                scratch[n++] = v;
            }
        }
        return scratch[..n];
    }

    /// <summary>
    /// numpy's two-pass nanvar with ddof = 0: the mean of the non-NaN values, then the mean squared deviation. An
    /// infinite value makes a deviation NaN (inf − inf), so the result is NaN.
    /// </summary>
    private static double Variance(ReadOnlySpan<double> lane, Span<double> scratch)
    {
        ReadOnlySpan<double> values = lane;
        double s = lane.IsEmpty ? 0 : TensorPrimitives.Sum(lane);
        if (double.IsNaN(s))
        {
            var compact = CompactNonNaN(lane, scratch);
            values = compact;
            s = compact.IsEmpty ? 0 : TensorPrimitives.Sum(values);
        }
        int n = values.Length;
        if (n == 0)
        {
            return double.NaN;
        }
        double mean = s / n;
        // values may already live in scratch[..n]; an exactly overlapping destination is allowed.
        var deviations = scratch[..n];
        TensorPrimitives.Subtract(values, mean, deviations);
        return TensorPrimitives.SumOfSquares(deviations) / n;
    }

    /// <summary>The median of the non-NaN values by selection (no full sort); even counts average the two middles.</summary>
    private static double Median(ReadOnlySpan<double> lane, Span<double> scratch)
    {
        var a = CompactNonNaN(lane, scratch);
        int n = a.Length;
        if (n == 0)
        {
            return double.NaN;
        }
        int k = n / 2;
        double upper = Select(a, k);
        if ((n & 1) == 1)
        {
            return upper;
        }
        // After selection a[..k] holds the k smallest values; the lower middle is their maximum.
        double lower = TensorPrimitives.Max(a[..k]);
        return (lower + upper) / 2;
    }

    /// <summary>
    /// Rearranges <paramref name="a"/> (no NaN) so that a[k] is the k-th smallest value, everything before it is
    /// ≤ a[k] and everything after it ≥ a[k]; returns a[k]. Quickselect with a median-of-three pivot.
    /// </summary>
    internal static double Select(Span<double> a, int k)
    {
        int lo = 0, hi = a.Length - 1;
        while (hi > lo)
        {
            int mid = lo + ((hi - lo) >> 1);
            // Order a[lo] <= a[mid] <= a[hi] so the pivot is the median of three and the ends are sentinels.
            if (a[mid] < a[lo]) (a[mid], a[lo]) = (a[lo], a[mid]);
            if (a[hi] < a[lo]) (a[hi], a[lo]) = (a[lo], a[hi]);
            if (a[hi] < a[mid]) (a[hi], a[mid]) = (a[mid], a[hi]);
            double pivot = a[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }
            // Now a[lo..j] <= pivot <= a[i..hi], and anything strictly between j and i equals the pivot.
            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return a[k];
            }
        }
        return a[k];
    }

    /// <summary>
    /// numpy's linear nanpercentile of one lane: virtual index (n−1)·p/100 into the sorted non-NaN values and numpy's
    /// two-sided lerp between its neighbours (the upper form from t ≥ 0.5), which is exact at order statistics and
    /// gives NaN when a neighbour is infinite (inf − inf), as numpy does.
    /// </summary>
    internal static double Percentile(ReadOnlySpan<double> lane, double percentile, Span<double> scratch)
    {
        var a = CompactNonNaN(lane, scratch);
        int n = a.Length;
        if (n == 0)
        {
            return double.NaN;
        }
        a.Sort();
        double q = percentile / 100;
        double virtualIndex = (n - 1) * q;
        double below, above, t;
        if (virtualIndex >= n - 1)
        {
            // numpy points both neighbours at the last value (index -1) and measures t from there, so t ≥ 1.
            below = above = a[n - 1];
            t = virtualIndex + 1;
        }
        else
        {
            int previous = (int)Math.Floor(virtualIndex);
            below = a[previous];
            above = a[previous + 1];
            t = virtualIndex - previous;
        }
        double diff = above - below;
        return t >= 0.5 ? above - diff * (1 - t) : below + diff * t;
    }

    /// <summary>
    /// The standardized central moment m_k / m2^(k/2) (k = 3 or 4) of the non-NaN values with population moments,
    /// as scipy's skew and kurtosis with bias=True; NaN for an empty lane, and, as scipy decides "constant",
    /// where m2 ≤ (1e-15·mean)². An infinity makes the deviations NaN and so the result.
    /// </summary>
    private static double StandardMoment(ReadOnlySpan<double> lane, Span<double> scratch, int k)
    {
        var a = CompactNonNaN(lane, scratch);
        int n = a.Length;
        if (n == 0)
        {
            return double.NaN;
        }
        double mean = TensorPrimitives.Sum<double>(a) / n;
        double m2 = 0, mk = 0;
        foreach (var v in a)
        {
            double d = v - mean;
            double d2 = d * d;
            m2 += d2;
            mk += k == 3 ? d2 * d : d2 * d2;
        }
        m2 /= n;
        mk /= n;
        // numpy's float64 resolution, the threshold scipy uses.
        const double Resolution = 1e-15;
        if (!(m2 > Resolution * mean * (Resolution * mean)))
        {
            return double.NaN;
        }
        return k == 3 ? mk / Math.Pow(m2, 1.5) : mk / (m2 * m2);
    }
}
