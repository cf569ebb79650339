using PodCache.Cli;

StartupTimings.Mark("runtime start");
int code = await CliApp.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
StartupTimings.Mark("cache closed");
StartupTimings.Write(Console.Error);
return code;
