using VideoStyler.Cli;

return await Entry.RunAsync(args);
