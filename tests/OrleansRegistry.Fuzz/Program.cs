using System.Text;
using OrleansRegistry.TestSupport.Parsers;
using SharpFuzz;

// The SharpFuzz harness: one target per parser of untrusted input (TestSupport/Parsers/ParserTargets.cs, TestSupport.Server/Parsers/ServerParserTargets.cs).
//   OrleansRegistry.Fuzz TARGET                     under afl-fuzz: the fork server runs the target on each input
//   OrleansRegistry.Fuzz --list                     the target names, one a line
//   OrleansRegistry.Fuzz --assemblies               the assemblies the targets' parsers live in (the ones to instrument)
//   OrleansRegistry.Fuzz --seeds DIR TARGET         writes the target's seed inputs into DIR (the start of a corpus)
//   OrleansRegistry.Fuzz --replay TARGET FILE...    runs the inputs once, printing what each throws; exit 1 if any does
// scripts/fuzz builds this, instruments those assemblies with the sharpfuzz tool and runs it under AFL++.

switch (args)
{
    case ["--list"]:
        foreach (var target in AllParserTargets.All) Console.WriteLine(target.Name);
        return 0;

    case ["--assemblies"]:
        foreach (var project in AllParserTargets.All.Select(t => t.Project).Distinct()) Console.WriteLine($"OrleansRegistry.{project}");
        return 0;

    case ["--seeds", var directory, var name]:
    {
        var target = AllParserTargets.Find(name);
        Directory.CreateDirectory(directory);
        for (var i = 0; i < target.Seeds.Count; i++)
            File.WriteAllBytes(Path.Combine(directory, $"seed-{i}"), Encoding.UTF8.GetBytes(target.Seeds[i]));
        return 0;
    }

    case ["--replay", var name, .. var files]:
    {
        var target = AllParserTargets.Find(name);
        var failed = 0;
        foreach (var file in files)
        {
            try { target.Run(File.ReadAllBytes(file)); }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"{file}: {e.GetType().Name}: {e.Message}");
                Console.WriteLine(e.StackTrace);
            }
        }
        return failed == 0 ? 0 : 1;
    }

    case [var name] when !name.StartsWith('-'):
    {
        var target = AllParserTargets.Find(name);
        // Out of process: a stack overflow or an endless loop in the parser is reported as a crash or hang of that
        // input instead of taking the fork server down with it.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Run(buffer.ToArray());
        });
        return 0;
    }

    default:
        Console.Error.WriteLine("usage: OrleansRegistry.Fuzz TARGET | --list | --seeds DIR TARGET | --replay TARGET FILE...");
        return 2;
}
