using Microsoft.DotNet.Interactive;

namespace PodCache.Notebooks;

/// <summary>
/// The .NET Interactive kernel extension: when the kernel loads PodCache from a NuGet package it calls
/// <see cref="OnLoadAsync"/>, which registers the displays (<see cref="PodCacheNotebook.Load"/>).
/// </summary>
public sealed class PodCacheExtension : IKernelExtension
{
    /// <inheritdoc/>
    public Task OnLoadAsync(Kernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        PodCacheNotebook.Load();
        return Task.CompletedTask;
    }
}
