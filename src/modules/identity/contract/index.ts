export * from './queries/get-user-status.query';
