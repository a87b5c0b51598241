/** A configuration value that stops start-up; the message names the variable (never a secret's value). */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    /** What is wrong, after the variable's name. */
    readonly detail: string,
  ) {
    super(`Invalid configuration: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}
