//! The `bench` command: see the `bench` crate docs.

use std::process::ExitCode;

use bench::cli::{Cli, Command, run_case};
use bench::report::{self, ReportOptions};
use clap::Parser;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => {
            // --help and --version.
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            let rendered = err.render().to_string();
            eprintln!(
                "{}",
                rendered
                    .lines()
                    .next()
                    .unwrap_or("error: invalid arguments")
            );
            return ExitCode::from(2);
        }
    };
    let options = cli.run_options();
    let result = match &cli.command {
        Command::Report(args) => {
            let report_options = ReportOptions {
                repeat: cli.repeat.get(),
                threads: cli
                    .threads
                    .map_or_else(bench::cases::available_threads, usize::from),
                python: args.python,
                large: args.large,
                out: args.out.clone(),
            };
            return match report::run(&report_options) {
                Ok(report) => {
                    println!("{}", report.markdown());
                    if report.all_passed() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    }
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Julia(case) => run_case(case, options),
        Command::Mandelbrot(case) => run_case(case, options),
        Command::Plate(case) => run_case(case, options),
        Command::Particles(case) => run_case(case, options),
        Command::Distance(case) => run_case(case, options),
        Command::Diffusion(case) => run_case(case, options),
        Command::Montecarlo(case) => run_case(case, options),
    };
    match result {
        Ok(record) => {
            if cli.json {
                println!(
                    "{}",
                    serde_json::to_string(&record).expect("records serialise")
                );
            } else {
                println!("{}", bench::report::record_summary(&record));
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
