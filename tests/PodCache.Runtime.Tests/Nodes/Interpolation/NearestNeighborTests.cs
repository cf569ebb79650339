using PodCache.Runtime.Nodes.Interpolation;

namespace PodCache.Runtime.Tests.Nodes.Interpolation;

public class NearestNeighborTests
{
    private static readonly Coordinates1D Lat0To3 = UniformCoordinates1D.FromStep("lat", 0, 3, 1);

    private static Coordinates1D Lat(params double[] values) => new ArrayCoordinates1D("lat", values);

    private static int[] Selected(Coordinates1D source, Coordinates1D request)
    {
        var scale = AxisScale.For(source, request);
        return NearestNeighbor.Select(scale, source, scale.Points(source), request, scale.Points(request));
    }

    [Fact]
    public void Select_QuirkRequest_KeepsRowsZeroOneAndThree()
    {
        Assert.Equal(new[] { 0, 1, 3 }, Selected(Lat0To3, Lat(-0.5, 0, 0.5, 1.4, 2.5, 3.49)));
    }

    [Fact]
    public void Indices_QuirkRequest_TwoPointFiveTakesRowThree()
    {
        Assert.Equal(new[] { -1, 0, 0, 1, 3, -1 }, NearestNeighbor.Indices(Lat0To3, Lat(-0.5, 0, 0.5, 1.4, 2.5, 3.49)));
    }

    [Fact]
    public void Select_UpOutsideTheDnRange_TakesUp()
    {
        // 1.5 and 1.7 both give dn = 2; 1.5's up (1) lies below every dn, so row 1 is read instead of row 2 for it.
        Assert.Equal(new[] { 1, 2 }, Selected(Lat0To3, Lat(1.5, 1.7)));
    }

    [Fact]
    public void Select_FinerUniformRequest_ReadsTheCoveringRange()
    {
        var source = UniformCoordinates1D.FromStep("lat", 0, 100, 10);
        var request = UniformCoordinates1D.FromStep("lat", 12, 28, 2);

        Assert.Equal(new[] { 1, 2, 3 }, Selected(source, request));
    }

    [Fact]
    public void Select_FinerRequestOnGridPoints_AddsTheNeighbourBeforeAndAfter()
    {
        // floor(1 − 1e-6) = 0 and ceil(3 + 1 + 1e-6) = 5: PODPAC reads one extra point each side.
        var source = UniformCoordinates1D.FromStep("lat", 0, 100, 10);
        var request = UniformCoordinates1D.FromStep("lat", 10, 30, 5);

        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, Selected(source, request));
    }

    [Fact]
    public void Select_NonUniformSource_ReadsTheNearestPoints()
    {
        var source = Lat(0, 1, 5, 6);

        Assert.Equal(new[] { 1, 2 }, Selected(source, Lat(1.2, 4.1)));
    }

    [Fact]
    public void Indices_EvenlySpacedExplicitSource_IsTreatedAsUniform()
    {
        // Explicit evenly spaced values follow the uniform rule: ties go down, and half a step above the last point
        // is the edge value (a distance rule would give NaN there, outside the bounds).
        Assert.Equal(new[] { 0, 1, 2, 3, -1 }, NearestNeighbor.Indices(Lat(0, 1, 2, 3), Lat(0.5, 1.5, 2.5, 3.5, -0.5)));
    }

    [Fact]
    public void Indices_SinglePointSource_UsesDistanceWithinBounds()
    {
        Assert.Equal(new[] { 0, -1, -1 }, NearestNeighbor.Indices(Lat(2), Lat(2, 2.1, 1.9)));
    }

    [Fact]
    public void Indices_UnevenSource_TiesGoToTheLowerIndexAndOutsideIsNaN()
    {
        var source = Lat(0, 1, 3);

        Assert.Equal(new[] { 1, 1, -1, -1 }, NearestNeighbor.Indices(source, Lat(1, 2.0, 3.01, -0.01)));
        Assert.Equal(new[] { 0 }, NearestNeighbor.Indices(source, Lat(0.5)));
    }

    [Fact]
    public void Indices_EmptySource_AllNaN()
    {
        Assert.Equal(new[] { -1, -1 }, NearestNeighbor.Indices(Lat(), Lat(1, 2)));
    }

    [Theory]
    [InlineData(new[] { 0.0, 1, 2, 3 }, true)]
    [InlineData(new[] { 3.0, 2, 1, 0 }, true)]
    [InlineData(new[] { 0.0, 1, 2.000001, 3 }, true)]
    [InlineData(new[] { 0.0, 1, 2.001, 3 }, false)]
    [InlineData(new[] { 0.0, 1, 3 }, false)]
    [InlineData(new[] { 0.0, 1, 1, 2 }, false)]
    [InlineData(new[] { 0.0 }, false)]
    public void TryEvenlySpaced_MatchesNumpyAllclose(double[] points, bool expected)
    {
        Assert.Equal(expected, AxisScale.TryEvenlySpaced(points, out _, out _, out _));
    }

    [Fact]
    public void SortedPoints_Duplicates_ReturnTheLowestIndex()
    {
        var p = new SortedPoints([5, 1, 5, double.NaN, 1]);

        Assert.Equal(1, p.Nearest(0));
        Assert.Equal(0, p.Nearest(3));
        Assert.Equal(0, p.Nearest(4.5));
        Assert.Equal(0, p.Nearest(99));
        Assert.Equal(-1, p.Nearest(double.NaN));
    }
}
