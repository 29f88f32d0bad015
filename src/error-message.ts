// An error as one line a person reads: what every room prints or shows of a failure it caught.
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
