namespace PodCache.Runtime.Nodes.Interpolation;

/// <summary>
/// scipy's <c>interp1d(kind="cubic")</c> (<c>make_interp_spline(k=3)</c>, not-a-knot ends) for many lines over the
/// same ascending abscissae: the spline's second derivatives solve a tridiagonal system whose factorisation depends
/// only on x, so it is factored once and each line costs O(n).
/// </summary>
internal sealed class NotAKnotSpline
{
    private readonly double[] _x;
    private readonly double[] _h;
    // Thomas factorisation of the system over M[1..n-2]: sub-diagonal, modified diagonal and super-diagonal.
    private readonly double[] _sub;
    private readonly double[] _diag;
    private readonly double[] _sup;

    /// <summary>Prepares for abscissae <paramref name="x"/> (ascending, at least 4).</summary>
    public NotAKnotSpline(double[] x)
    {
        int n = x.Length;
        if (n < 4)
        {
            throw new NodeEvaluationException(
                $"cubic interpolation needs at least 4 selected source points along a dim, and has {n} (scipy refuses fewer too)");
        }
        _x = x;
        _h = new double[n - 1];
        for (int i = 0; i < n - 1; i++) _h[i] = x[i + 1] - x[i];
        int m = n - 2;
        _sub = new double[m];
        _diag = new double[m];
        _sup = new double[m];
        for (int j = 0; j < m; j++)
        {
            int i = j + 1;
            _sub[j] = _h[i - 1];
            _diag[j] = 2 * (_h[i - 1] + _h[i]);
            _sup[j] = _h[i];
        }
        // Not-a-knot: the third derivative is continuous at x[1] and x[n-2], which fixes M[0] and M[n-1] in terms
        // of their two neighbours; eliminating them leaves a tridiagonal system.
        double h0 = _h[0], h1 = _h[1];
        _diag[0] += h0 * (h0 + h1) / h1;
        _sup[0] -= h0 * h0 / h1;
        double a = _h[n - 3], b = _h[n - 2];
        _diag[m - 1] += b * (a + b) / a;
        _sub[m - 1] -= b * b / a;
        for (int j = 1; j < m; j++)
        {
            double w = _sub[j] / _diag[j - 1];
            _diag[j] -= w * _sup[j - 1];
            _sub[j] = w;
        }
    }

    /// <summary>
    /// The spline through (x, <paramref name="y"/>) at <paramref name="at"/> (each already bracketed by
    /// <paramref name="cell"/>, −1 for NaN), into <paramref name="dst"/>; <paramref name="m"/> is scratch of length n.
    /// </summary>
    public void Evaluate(ReadOnlySpan<double> y, ReadOnlySpan<double> at, ReadOnlySpan<int> cell, Span<double> dst, Span<double> m)
    {
        int n = _x.Length, k = n - 2;
        for (int j = 0; j < k; j++)
        {
            int i = j + 1;
            double rhs = 6 * ((y[i + 1] - y[i]) / _h[i] - (y[i] - y[i - 1]) / _h[i - 1]);
            m[i] = j == 0 ? rhs : rhs - _sub[j] * m[i - 1];
        }
        m[k] /= _diag[k - 1];
        for (int j = k - 2; j >= 0; j--)
        {
            m[j + 1] = (m[j + 1] - _sup[j] * m[j + 2]) / _diag[j];
        }
        double h0 = _h[0], h1 = _h[1], a = _h[n - 3], b = _h[n - 2];
        m[0] = ((h0 + h1) * m[1] - h0 * m[2]) / h1;
        m[n - 1] = ((a + b) * m[n - 2] - b * m[n - 3]) / a;
        for (int q = 0; q < dst.Length; q++)
        {
            int i = cell[q];
            if (i < 0)
            {
                dst[q] = double.NaN;
                continue;
            }
            double h = _h[i], t1 = _x[i + 1] - at[q], t0 = at[q] - _x[i];
            dst[q] = (m[i] * t1 * t1 * t1 + m[i + 1] * t0 * t0 * t0) / (6 * h)
                + (y[i] / h - m[i] * h / 6) * t1 + (y[i + 1] / h - m[i + 1] * h / 6) * t0;
        }
    }

    /// <summary>The interval of each point of <paramref name="at"/>, or −1 outside [x₀, xₙ₋₁] (scipy fills NaN there).</summary>
    public int[] Cells(ReadOnlySpan<double> at)
    {
        var cells = new int[at.Length];
        int n = _x.Length;
        for (int q = 0; q < at.Length; q++)
        {
            double r = at[q];
            if (!(r >= _x[0] && r <= _x[n - 1]))
            {
                cells[q] = -1;
                continue;
            }
            int lo = 0, hi = n;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (_x[mid] < r) lo = mid + 1;
                else hi = mid;
            }
            cells[q] = Math.Clamp(lo - 1, 0, n - 2);
        }
        return cells;
    }
}
