package io.sluice.server.parser;

/** The replication account lacks a grant the parser needs (REPLICATION SLAVE, REPLICATION CLIENT). */
public class ReplicationPrivilegeException extends ParserException {

    public ReplicationPrivilegeException(String message, Throwable cause) {
        super(message, cause);
    }
}
