-- ISPConfig's mail_access table (install/sql/ispconfig3.sql) and the rows
-- the SQL table tests expect.
CREATE DATABASE dbispconfig;
USE dbispconfig;
CREATE TABLE mail_access (
  access_id int(11) unsigned NOT NULL AUTO_INCREMENT,
  sys_userid int(11) unsigned NOT NULL DEFAULT 0,
  sys_groupid int(11) unsigned NOT NULL DEFAULT 0,
  sys_perm_user varchar(5) DEFAULT NULL,
  sys_perm_group varchar(5) DEFAULT NULL,
  sys_perm_other varchar(5) DEFAULT NULL,
  server_id int(11) unsigned NOT NULL DEFAULT 0,
  source varchar(255) NOT NULL DEFAULT '',
  access varchar(255) NOT NULL DEFAULT '',
  type set('recipient','sender','client') NOT NULL DEFAULT '',
  active enum('n','y') NOT NULL DEFAULT 'y',
  PRIMARY KEY (access_id),
  UNIQUE KEY server_id (server_id, source, type)
) DEFAULT CHARSET=utf8mb4;
INSERT INTO mail_access (server_id, source, access, type, active) VALUES
  (1, '192.0.2.10', 'OK', 'client', 'y'),
  (1, '198.51.100', 'REJECT Your network is listed here', 'client', 'y'),
  (1, '192.0.2.11', 'OK', 'client', 'n'),
  (1, 'spammer.example', 'REJECT Spam from this domain is not wanted', 'sender', 'y'),
  (1, 'ok.spammer.example', 'DUNNO', 'sender', 'y'),
  (1, 'bad@example.org', 'REJECT', 'sender', 'n'),
  (1, 'vip@example.net', 'OK', 'recipient', 'y'),
  (1, 'o''brien@example.org', 'REJECT No quotes please', 'sender', 'y'),
  (1, 'broken.example', 'MAYBE', 'sender', 'y');
CREATE USER rampart@localhost IDENTIFIED BY 'secret';
CREATE USER rampart@'127.0.0.1' IDENTIFIED BY 'secret';
GRANT SELECT ON dbispconfig.* TO rampart@localhost;
GRANT SELECT ON dbispconfig.* TO rampart@'127.0.0.1';
INSERT INTO mail_access (server_id, source, access, type, active) VALUES
  (1, '192.0.2.12', 'OK', 'client', 'y');
