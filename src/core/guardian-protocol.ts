// The one line the server guardian adds to its server's output: the server's pid, for the lab to stall or crash it.
export const SERVER_PID_LINE = 'kafka-dup-lab-guardian: server pid ';
