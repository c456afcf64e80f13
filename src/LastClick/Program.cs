using LastClick.Cli;

return LastClickCli.Run(args, Console.Out, Console.Error);
