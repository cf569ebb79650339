namespace PodCache.Runtime.Rendering;

/// <summary>Where a heatmap put things, in image pixels; lets tests find a cell or the colour bar in the PNG.</summary>
/// <param name="Width">Image width.</param>
/// <param name="Height">Image height.</param>
/// <param name="PlotX">Left edge of the plot.</param>
/// <param name="PlotY">Top edge of the plot.</param>
/// <param name="CellWidth">Pixels per drawn column.</param>
/// <param name="CellHeight">Pixels per drawn row.</param>
/// <param name="RowIndices">Data index of the vertical dim for each drawn row, top first.</param>
/// <param name="ColumnIndices">Data index of the horizontal dim for each drawn column, left first.</param>
/// <param name="BarX">Left edge of the colour bar.</param>
/// <param name="BarWidth">Width of the colour bar.</param>
/// <param name="BarHeight">Height of the colour bar (the plot's, less room for the NaN swatch when there are NaNs).</param>
/// <param name="Min">Value at the bottom of the colour bar.</param>
/// <param name="Max">Value at the top of the colour bar.</param>
internal sealed record HeatmapLayout(int Width, int Height, int PlotX, int PlotY, int CellWidth, int CellHeight,
    int[] RowIndices, int[] ColumnIndices, int BarX, int BarWidth, int BarHeight, double Min, double Max)
{
    public int PlotWidth => CellWidth * ColumnIndices.Length;

    public int PlotHeight => CellHeight * RowIndices.Length;
}
